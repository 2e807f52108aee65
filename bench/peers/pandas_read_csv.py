"""Peer for the ingestion benchmark: load a Kaggle-schema train file with pandas, dtypes downcast up front
(the usual way Favorita notebooks load train.csv). Prints the row count so the load cannot be optimised away."""
import sys

import pandas as pd

DTYPES = {
    "id": "uint32",
    "store_nbr": "uint8",
    "item_nbr": "uint32",
    "unit_sales": "float32",
    "onpromotion": "boolean",
}

frame = pd.read_csv(sys.argv[1], dtype=DTYPES, parse_dates=["date"])
print(len(frame), int(frame["store_nbr"].astype("int64").sum()))
