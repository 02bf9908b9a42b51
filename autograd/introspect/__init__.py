"""Reading a recorded graph back to a person: formulas on symbols, the `explain()` table,
the one-node-at-a-time stepper and anomaly mode. Built on the core only."""
