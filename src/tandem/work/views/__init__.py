"""The work app's pages. Views translate HTTP only: reads through tandem.work.queries, every change
through tandem.work.services; a refusal (such as the blocking-close rule) becomes a message on the
page, or a 409 with the message for the board's drag and drop, which puts the card back and shows it.

- boards.py: the board pages (kanban, list, settings), columns, labels and saved views;
- items.py: the item page, its form and what is done on an item."""
