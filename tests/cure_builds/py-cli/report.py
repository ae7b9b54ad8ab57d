"""Prints a table of totals per region from a CSV of sales."""
import csv
import sys
from collections import defaultdict

from tabulate import tabulate


def main(path: str) -> None:
    totals: dict[str, float] = defaultdict(float)
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            totals[row["region"]] += float(row["amount"])
    print(tabulate(sorted(totals.items()), headers=["region", "total"], floatfmt=".2f"))


if __name__ == "__main__":
    main(sys.argv[1])
