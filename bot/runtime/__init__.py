"""What wires Candor's parts into processes: brokers, worker, Rasa server entry, checks, supervisor."""
