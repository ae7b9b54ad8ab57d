"""Rules about bytes a layer keeps: files removed later, downloads left behind, archives copied in."""
