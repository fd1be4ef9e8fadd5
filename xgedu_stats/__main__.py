from xgedu_stats.cli import cli

cli()
