"""Emergency state (SPEC §8, EM-1…EM-6): region states and the one-key switch (一键切换), closed-loop modes by
sector, shutdowns approved by both HQs, inspection approval (生产护航) and the duty-exemption record (尽职免责)."""
