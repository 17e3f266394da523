// The agent inbox: selection, bulk actions and keyboard shortcuts (progressive enhancement).
