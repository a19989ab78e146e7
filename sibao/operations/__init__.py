"""EN-3 保生产经营: each whitelist enterprise's daily operating report (生产经营日报), who has not reported, the
warnings of missing days, and the figures the command screen and the workbench read."""
