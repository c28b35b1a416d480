"""Terminal output: the only package that imports rich. One module per view, each drawing on a Console
it is given (`terminal.console_for` makes one); numbers become words in `formatting`."""
