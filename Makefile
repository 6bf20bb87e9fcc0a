# forklore: parallel processing with processes, in C, one concept per chapter.
# Run `make help` for the targets. GNU make.

CC       ?= cc
CFLAGS   ?= -O2 -g
# The warnings are part of the lesson: the code must compile clean with both.
WARNINGS := -std=c11 -Wall -Wextra -Wpedantic -Werror
# C11 + POSIX.1-2008; _DEFAULT_SOURCE adds MAP_ANONYMOUS and friends.
# Files that use Linux-only calls (prctl, sched_getaffinity) say so.
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Icommon
LDLIBS   += -lm -pthread
# Resolve every library symbol at start-up, not at first call: a forked
# worker then does not copy pages (copy-on-write) just to bind prctl, recv,
# ... the first time it calls them. It makes a pool start measurably faster.
LDFLAGS  ?= -Wl,-z,now
BUILD    ?= build
# The project's version, in one place: --version prints it (common/opts.c).
CPPFLAGS += -DFORKLORE_VERSION='"$(shell cat VERSION)"'

# Both cores by default: plain `make` runs one job per CPU unless you give
# -j yourself (make -j1 builds one file at a time). Not with `make clean`,
# which must not run beside a build.
ifeq ($(filter -j%,$(MAKEFLAGS))$(filter clean,$(MAKECMDGOALS)),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1)
endif
# Quiet by default: one short line per file built; V=1 prints the commands.
ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-5s %s\n' $(1) $(patsubst $(BUILD)/%,%,$(2))
endif

# Chapters are the numbered folders; each .c directly inside one is a program.
CHAPTERS := $(sort $(patsubst %/,%,$(wildcard [0-9][0-9]_*/)))
MPI_CHAPTER := 09_mpi
PROGRAM_SOURCES := $(filter-out $(MPI_CHAPTER)/%,$(wildcard $(addsuffix /*.c,$(CHAPTERS))))
PROGRAMS := $(patsubst %.c,$(BUILD)/bin/%,$(notdir $(PROGRAM_SOURCES)))
# build/bin is one folder for every chapter: two programs may not share a name.
ifneq ($(words $(PROGRAMS)),$(words $(sort $(PROGRAMS))))
$(error two chapter programs have the same file name: $(shell printf '%s\n' $(notdir $(PROGRAM_SOURCES)) | sort | uniq -d))
endif

LIB_SOURCES := $(wildcard common/*.c)
LIB_OBJECTS := $(patsubst common/%.c,$(BUILD)/obj/common/%.o,$(LIB_SOURCES))
LIB := $(BUILD)/lib/libcommon.a
TEST_SOURCES := $(wildcard common/tests/*.c)
TEST_PROGRAMS := $(patsubst common/tests/%.c,$(BUILD)/test/%,$(TEST_SOURCES))
HEADERS := $(wildcard common/*.h)

# Lab exercises: NN_name/exercises/NN.K_slug.c holds solution and handout
# (#ifdef SOLUTION ... #else ... #endif). The solutions are built here; the
# handouts (solutions stripped) go to handouts/ for students to edit. A
# header beside the exercises (07's named_segment.h) is shared, not stripped.
EXERCISE_SOURCES := $(wildcard [0-9][0-9]_*/exercises/*.c)
# A student copy (make student-copy; marked by .student-copy) has handouts
# where the solutions were: there is no solution to build.
STUDENT_COPY := $(wildcard .student-copy)
SOLUTIONS := $(if $(STUDENT_COPY),,$(patsubst %.c,$(BUILD)/solutions/%,$(notdir $(EXERCISE_SOURCES))))
HANDOUT_CHECKS := $(patsubst %.c,$(BUILD)/handout-check/%,$(notdir $(EXERCISE_SOURCES)))

# Chapter 09 needs MPI: built with mpicc, and only where mpicc exists
# (make deps installs Open MPI); without it the rest is unaffected.
MPICC ?= mpicc
HAVE_MPI := $(shell command -v $(MPICC) >/dev/null 2>&1 && echo yes)
MPI_SOURCES := $(wildcard $(MPI_CHAPTER)/*.c)
MPI_PROGRAMS := $(if $(HAVE_MPI),$(patsubst %.c,$(BUILD)/bin/%,$(notdir $(MPI_SOURCES))))

# Benchmarks: common/bench/*.c are the bare baselines (fork, pipes) that
# make bench measures the library against.
BENCH_SOURCES := $(wildcard common/bench/*.c)
BENCH_PROGRAMS := $(patsubst common/bench/%.c,$(BUILD)/bench/%,$(BENCH_SOURCES))

.PHONY: all help test check run-all deps plots clean handouts lab bench compare \
        student-copy grade diagrams FORCE
.DEFAULT_GOAL := all

# Every object and program depends on a stamp holding the flags it was built
# with: change CC or CFLAGS (or the others) and everything is rebuilt, instead
# of old and new objects linked together. FORCE runs the recipe every time; the
# file changes (and triggers the rebuild) only when the flags do.
STAMP := $(BUILD)/flags.stamp
BUILD_FLAGS := $(CC) $(MPICC) $(CPPFLAGS) $(WARNINGS) $(CFLAGS) $(LDFLAGS) $(LDLIBS)
$(STAMP): FORCE
	@mkdir -p $(@D)
	@printf '%s\n' "$(subst ",\",$(BUILD_FLAGS))" | cmp -s - $@ || \
	    printf '%s\n' "$(subst ",\",$(BUILD_FLAGS))" >$@
FORCE:

all: $(LIB) $(PROGRAMS) $(MPI_PROGRAMS) $(TEST_PROGRAMS) $(SOLUTIONS) $(HANDOUT_CHECKS) $(BENCH_PROGRAMS)

$(BUILD)/obj/common/%.o: common/%.c $(HEADERS) $(STAMP)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(WARNINGS) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJECTS)
	@mkdir -p $(@D)
	@rm -f $@ # ar never drops a member: an object of a file since removed would stay
	$(call say,AR,$@)
	$(Q)$(AR) rcs $@ $^

# Every chapter program: one source file, linked with the common library.
# A chapter may keep headers of its own beside its programs (05_apply_async).
define program_rule
$(BUILD)/bin/$(notdir $(basename $(1))): $(1) $(LIB) $(HEADERS) $(wildcard $(dir $(1))*.h) $(STAMP)
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$$(Q)$$(CC) $$(CPPFLAGS) $$(WARNINGS) $$(CFLAGS) $$< $(LIB) $$(LDFLAGS) $$(LDLIBS) -o $$@
endef
$(foreach src,$(PROGRAM_SOURCES),$(eval $(call program_rule,$(src))))

$(BUILD)/bin/%: $(MPI_CHAPTER)/%.c $(LIB) $(HEADERS) $(wildcard $(MPI_CHAPTER)/*.h) $(STAMP)
	@mkdir -p $(@D)
	$(call say,MPICC,$@)
	$(Q)$(MPICC) $(CPPFLAGS) $(WARNINGS) $(CFLAGS) $< $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

$(BUILD)/test/%: common/tests/%.c $(LIB) $(HEADERS) common/tests/check.h $(STAMP)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(WARNINGS) $(CFLAGS) $< $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

define solution_rule
$(BUILD)/solutions/$(notdir $(basename $(1))): $(1) $(LIB) $(HEADERS) $(wildcard $(dir $(1))*.h) $(STAMP)
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$$(Q)$$(CC) -DSOLUTION $$(CPPFLAGS) $$(WARNINGS) $$(CFLAGS) $$< $(LIB) $$(LDFLAGS) $$(LDLIBS) -o $$@
# The untouched handout must compile too (warnings allowed: stubs have unused
# parameters); make test checks that it fails the exercise's checks.
$(BUILD)/handout-check/$(notdir $(basename $(1))): $(1) $(LIB) $(HEADERS) $(wildcard $(dir $(1))*.h) common/scripts/strip-solution.awk $(STAMP)
	@mkdir -p $$(@D)
	$$(call say,CC,$$@)
	$$(Q)awk -f common/scripts/strip-solution.awk $$< > $$@.c
	$$(Q)$$(CC) $$(CPPFLAGS) -I$(dir $(1)) -std=c11 $$(CFLAGS) $$@.c $(LIB) $$(LDFLAGS) $$(LDLIBS) -o $$@
endef
$(foreach src,$(EXERCISE_SOURCES),$(eval $(call solution_rule,$(src))))

$(BUILD)/bench/%: common/bench/%.c $(LIB) $(HEADERS) $(STAMP)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(WARNINGS) $(CFLAGS) $< $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

# pi_floor --chapter runs chapter 08's kernel beside the floor.
$(BUILD)/bench/pi_floor: 08_pi_montecarlo/pi_steps.h

# ---------------------------------------------------------------- labs
# handouts/ is the students' folder: make clean leaves it alone, and make
# handouts never overwrites a file a student already has.
handouts:
	@for src in $(EXERCISE_SOURCES); do \
	    chapter=$${src%%/*}; out=handouts/$$chapter/$$(basename $$src); \
	    mkdir -p handouts/$$chapter; \
	    if [ -f $$out ]; then echo "kept    $$out (yours: remove it to start over)"; \
	    else awk -f common/scripts/strip-solution.awk $$src > $$out && echo "wrote   $$out"; fi; \
	done

lab: $(LIB)
	@CC="$(CC)" CFLAGS="$(CFLAGS)" LDFLAGS="$(LDFLAGS)" LAB_TIMEOUT="$(LAB_TIMEOUT)" bash common/scripts/lab.sh "$(EX)" "$(BUILD)"

# For the instructor: a copy to hand out (no solutions, no answer keys, no
# git history), and the grading of a folder of submissions (one per student).
student-copy:
	@bash common/scripts/student-copy.sh "$(DEST)"

grade:
	@CC="$(CC)" LAB_TIMEOUT="$(LAB_TIMEOUT)" bash common/scripts/grade.sh "$(SUBMISSIONS)" "$(or $(GRADES),grades)"

# ---------------------------------------------------------------- running
# `make run-03` or `make run-03_pool_map`: one chapter's demo.
# PAUSE=1 waits for Enter between chapters (for a projector).
run-all: all
	@sh common/scripts/deps.sh run
	@for chapter in $(CHAPTERS); do \
	    $(MAKE) --no-print-directory run-$$chapter || exit 1; \
	    if [ -n "$(PAUSE)" ] && [ "$$chapter" != "$(lastword $(CHAPTERS))" ]; then \
	        printf '\n-- press Enter for the next chapter --'; read _; \
	    fi; \
	done

run-%: all
	@sh common/scripts/run-chapter.sh "$*" "$(BUILD)"

# ---------------------------------------------------------------- testing
test: all
	@sh common/scripts/deps.sh test
	@BUILD="$(abspath $(BUILD))" bash common/scripts/run-tests.sh common $(CHAPTERS)

# Sanitizers, valgrind, static analysis, both compilers, the fault matrix.
check: all
	@sh common/scripts/deps.sh check
	@sh common/scripts/deps.sh test
	@bash common/scripts/check.sh

# The library against bare fork/pipes, Python and OpenMP (results/bench.md).
bench: all
	@sh common/scripts/deps.sh run
	@BUILD="$(abspath $(BUILD))" bash common/bench/bench.sh

# Every chapter's C and Python programs on the same work, one table.
compare: all
	@BUILD="$(abspath $(BUILD))" bash common/scripts/compare.sh

deps:
	@sh common/scripts/deps.sh install

plots: all
	@sh common/scripts/run-chapter.sh plots "$(BUILD)"

# The diagrams (pool, queue ring, copy-on-write) from common/diagrams/*.dot,
# with graphviz's dot; without it, says so and keeps the committed PNGs.
diagrams:
	@sh common/scripts/diagrams.sh

clean:
	rm -rf $(BUILD) results

help:
	@echo 'forklore: parallel processing with processes, one concept per chapter'
	@echo
	@echo 'Targets:'
	@echo '  make / make all   build build/lib/libcommon.a and every chapter program into build/bin/'
	@echo '  make run-all      run every chapter demo in order (PAUSE=1: wait for Enter between chapters)'
	@echo '  make run-NN       run one chapter, e.g. make run-03 or make run-03_pool_map'
	@echo '  make test         build, then run the common/ unit tests and every .bats file'
	@echo '  make check        sanitizers, valgrind, static analysis, gcc+clang, fault matrix (slow)'
	@echo '  make plots        regenerate the gnuplot figures under results/'
	@echo '  make diagrams     redraw common/diagrams/*.png from their .dot sources (graphviz)'
	@echo '  make handouts     write the lab exercises, solutions stripped, to handouts/'
	@echo '  make lab EX=03.1  build your handouts/ version of exercise 03.1 and check it'
	@echo '  make student-copy DEST=dir   a copy for students: no solutions, no answer keys, no git'
	@echo '  make grade SUBMISSIONS=dir   grade one folder per student: grades/grades.csv, grades/feedback/'
	@echo '  make bench        the common library against bare fork/pipes, Python and OpenMP'
	@echo '  make compare      each chapter in C and in Python, side by side'
	@echo '  make deps         install what is missing (gnuplot, graphviz, bats, bats-support, bats-assert,'
	@echo '                    Open MPI, Slurm); as root or with sudo, else it prints the commands'
	@echo '  make clean        remove build/ and results/'
	@echo '  make help         this text'
	@echo
	@echo 'Variables (make VAR=value target):'
	@echo '  EX=NN.K           the exercise for make lab (e.g. EX=03.1)'
	@echo '  PAUSE=1           make run-all waits for Enter between chapters'
	@echo '  DEST=dir          where make student-copy writes (DEST=name.tar.gz: a tarball)'
	@echo '  SUBMISSIONS=dir   the folder make grade grades (one folder per student)'
	@echo '  GRADES=dir        where make grade writes (default: grades)'
	@echo '  LAB_TIMEOUT=S     seconds one run of a lab program may take (make lab, make grade; default 10)'
	@echo '  NO_COLOR=1        no colour in make lab output (none either when it is not a terminal)'
	@echo '  CC=clang          compiler (default: cc)'
	@echo '  MPICC=mpicc       compiler for chapter 09 (built only when it exists)'
	@echo '  CFLAGS=...        optimisation and debug flags (default: -O2 -g; warnings are always on)'
	@echo '  BUILD=dir         where build output goes (default: build)'
	@echo '  FORKLORE_BATS=dir a user-local bats, installed with npm install --prefix dir bats bats-support'
	@echo '                    bats-assert (default dir: ~/.local/forklore-bats)'
	@echo '  FORKLORE_TIMED=1  make test also runs the one test of a claim about timings (08: the'
	@echo '                    Amdahl fit on a real sweep); only on a quiet machine'
	@echo
	@echo 'Chapters: $(CHAPTERS)'
