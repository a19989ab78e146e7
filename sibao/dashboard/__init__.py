"""DB-1…DB-4: the command screen 一屏掌控·一键响应·一览无余 — a Henan map coloured by an indicator, drilling
province → city → county → township → enterprise, with the panels the domain apps register (``core.panels``),
all read from one maintained summary (``dashboard.figures``)."""
