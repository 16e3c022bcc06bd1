"""Models of the directory (clouds, projects, user groups, grants): ``rolecall.directory.models``."""
