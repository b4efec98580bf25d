"""What each lesson computes for display: tables for plots, pictures sized for a projector."""

DISPLAY_SCALE = 8  # 28 px -> 224 px, nearest neighbour: crisp pixels on a projector
