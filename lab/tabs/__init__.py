"""One module per tab: its layout, its handlers and its event wiring. Tabs 2 and 3 use tab 1's image, noise seed
and t (`shared`)."""
