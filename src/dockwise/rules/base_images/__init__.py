"""Rules about the images a build starts FROM."""
