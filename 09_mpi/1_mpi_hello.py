#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""1_mpi_hello.py - the mirror of 1_mpi_hello.c: every rank says who it is.

Usage: mpirun -np R python3 1_mpi_hello.py   (needs mpi4py: apt-get install
python3-mpi4py, or pip install mpi4py)
"""
import os

from mpi4py import MPI   # importing it runs MPI_Init; MPI_Finalize runs at exit

comm = MPI.COMM_WORLD
rank, ranks = comm.Get_rank(), comm.Get_size()
line = f"[rank {rank} of {ranks} pid {os.getpid()}] hello from host {MPI.Get_processor_name()}"
# One write() per line: print() may write the text and its newline apart, and
# mpirun then splices another rank's line in between.
os.write(1, (line + "\n").encode())
