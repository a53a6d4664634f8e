"""After-the-fact analysis: where demand can be covered, coverage, gaps, headcount and cost of a roster."""
