"""Rules about RUN scripts as shell code: cd, pointless commands, pipes, /bin/sh, ShellCheck."""
