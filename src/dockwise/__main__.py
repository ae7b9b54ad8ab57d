from dockwise.cli import entry

entry()
