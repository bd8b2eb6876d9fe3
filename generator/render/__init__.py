"""Stage 5, render: views -> file texts. Pure: returns ``{path: text}``, writes nothing."""
