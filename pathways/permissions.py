"""Who may do what with pathways, tasks and alerts."""
