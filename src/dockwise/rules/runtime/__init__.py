"""Rules about the running container: signals and PID 1, health checks, runtimes that ignore
the memory limit.
"""
