"""Rules about package managers: OS packages (apt, apk, yum/dnf, zypper) and language ones
(pip, npm, gem, go, ...).
"""
