"""保物流畅通 (SPEC LG-1…LG-4): vehicle passes with signed QR codes, the checkpoint check, the transport whitelist
of drivers, transfer stations and contactless receiving points. How it fits: docs/architecture.md."""
