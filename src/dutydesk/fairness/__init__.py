"""Fair on-call load: each person's hours on call in and out of hours, pages, bank-holiday
shifts and swaps over a period, a fairness index, and a suggested layer order for the next
quarter that evens the load out (docs/fairness.md)."""
