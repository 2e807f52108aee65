"""Peer for the feature-build benchmark: the 631 features of DESIGN.md ("Features at origin t") at one origin,
written the way the Kaggle 1st-place kernel builds them: wide pivots of log1p sales and of promotions (one row
per store×item, one column per day), window statistics on slices of those pivots, and the item and store-class
levels as groupby sums of the pivots.

It reads what `shelfcast features` reads, the lake's staged Parquet partitions, and writes a Parquet file with
store_nbr, item_nbr and the features in FEATURE_NAMES order, rows sorted by (store_nbr, item_nbr).

Usage: pandas_features.py --lake DIR --origin YYYY-MM-DD --out FILE.parquet [--pivot unstack|scatter]
"""
import argparse
import os
import sys
import time
from datetime import date, timedelta
from typing import Callable, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

STAT_WINDOWS = [3, 7, 14, 30, 60, 140]
COUNT_WINDOWS = [7, 14, 30, 60, 140]
PROMO_SUM_WINDOWS = [14, 60, 140]
PROMO_NEXT_SUMS = [3, 7, 14]
PROMO_NEXT_DAYS = 15
LAG_DAYS = 15
WEEKDAY_WEEKS = [4, 20]
PROMO_PAST_DAYS = 16
HORIZON_DAYS = 16
PREVIOUS_WINDOW_END = 8
SELECTION_DAYS = 365
DECAY = 0.9
# The longest window ending at t-8 reaches back to t-147.
HISTORY_DAYS = max(STAT_WINDOWS) + PREVIOUS_WINDOW_END - 1


# --- input ----------------------------------------------------------------------------------------------------


def staged_dates(lake: str, kind: str) -> list[date]:
    folder = os.path.join(lake, "staging", kind)
    if not os.path.isdir(folder):
        return []
    names = [n for n in os.listdir(folder) if n.startswith("date=")]
    return sorted(date.fromisoformat(n[len("date="):]) for n in names
                  if os.path.isfile(os.path.join(folder, n, "data.parquet")))


def read_partitions(lake: str, kind: str, dates: list[date], columns: list[str]) -> pd.DataFrame:
    files = [os.path.join(lake, "staging", kind, f"date={d.isoformat()}", "data.parquet") for d in dates]
    if not files:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in columns})
    table = pq.read_table(files, columns=columns, partitioning=None)
    # An unknown onpromotion (null) counts as no promotion.
    promo = table.column("onpromotion").fill_null(False)
    table = table.set_column(table.schema.get_field_index("onpromotion"), "onpromotion", promo)
    frame = table.to_pandas(date_as_object=False)
    frame["date"] = frame["date"].astype("datetime64[ns]")
    return frame


def read_table(lake: str, name: str) -> pd.DataFrame:
    return pd.read_parquet(os.path.join(lake, "staging", name, "data.parquet"))


# --- wide pivots ----------------------------------------------------------------------------------------------


def pivot_unstack(rows: pd.DataFrame, value: str, pairs: pd.MultiIndex, days: pd.DatetimeIndex, dtype: type) -> pd.DataFrame:
    """One row per pair, one column per day, absent cells 0: the kernel's set_index(...).unstack()."""
    wide = rows.set_index(["store_nbr", "item_nbr", "date"])[value].unstack("date", fill_value=0)
    return wide.reindex(index=pairs, columns=days, fill_value=0).astype(dtype)


def pivot_scatter(rows: pd.DataFrame, value: str, pairs: pd.MultiIndex, days: pd.DatetimeIndex, dtype: type) -> pd.DataFrame:
    """The same pivot written for speed: each row is placed at its (pair, day) cell of a zero array."""
    wide = np.zeros((len(pairs), len(days)), dtype)
    row = pairs.get_indexer(pd.MultiIndex.from_arrays([rows["store_nbr"], rows["item_nbr"]]))
    col = ((rows["date"] - days[0]) // pd.Timedelta(days=1)).to_numpy()
    keep = (row >= 0) & (col >= 0) & (col < len(days))
    wide[row[keep], col[keep]] = rows[value].to_numpy()[keep]
    return pd.DataFrame(wide, index=pairs, columns=days)


Pivot = Callable[[pd.DataFrame, str, pd.MultiIndex, pd.DatetimeIndex, type], pd.DataFrame]
PIVOTS: dict[str, Pivot] = {"unstack": pivot_unstack, "scatter": pivot_scatter}


# --- features of one level ------------------------------------------------------------------------------------


def decay_weights(width: int) -> np.ndarray:
    return DECAY ** np.arange(width - 1, -1, -1)


def occurrences(indicator: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """days, last, first of 0/1 indicators over a window (DESIGN.md): Σ ind, w − max j·ind, max (w−j)·ind."""
    width = indicator.shape[1]
    days = indicator.sum(axis=1)
    last = width - (indicator * np.arange(width)).max(axis=1)
    first = (indicator * np.arange(width, 0, -1)).max(axis=1)
    return days, last, first


def series_features(x: np.ndarray, p: np.ndarray, prefix: str) -> dict[str, np.ndarray]:
    """x: sales history t-147 … t-1 (column -1 is t-1); p: promotions t-147 … t+15 (column HISTORY_DAYS is t)."""
    out: dict[str, np.ndarray] = {}
    n_hist = x.shape[1]
    p_hist, p_future = p[:, :n_hist], p[:, n_hist:]
    on_promo = p_hist > 0

    def window(values: np.ndarray, width: int, end_lag: int = 1) -> np.ndarray:
        end = n_hist - end_lag + 1
        return values[:, end - width:end]

    for w in STAT_WINDOWS:
        for end_lag, suffix in ((1, ""), (PREVIOUS_WINDOW_END, "_prev")):
            span = window(x, w, end_lag)
            out[f"mean_{w}{suffix}"] = span.mean(axis=1)
            out[f"median_{w}{suffix}"] = np.median(span, axis=1)
            out[f"min_{w}{suffix}"] = span.min(axis=1)
            out[f"max_{w}{suffix}"] = span.max(axis=1)
            out[f"std_{w}{suffix}"] = span.std(axis=1, ddof=1)
            out[f"diff_mean_{w}{suffix}"] = np.diff(span, axis=1).mean(axis=1)
            out[f"decay_{w}{suffix}"] = span @ decay_weights(w)
        span, promo_days = window(x, w), window(on_promo, w)
        promo_sales = np.where(promo_days, span, 0)
        nopromo_sales = span - promo_sales
        n_promo = promo_days.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"promo_sales_mean_{w}"] = promo_sales.sum(axis=1) / np.where(n_promo > 0, n_promo, np.nan)
            out[f"promo_sales_decay_{w}"] = promo_sales @ decay_weights(w)
            out[f"nopromo_sales_mean_{w}"] = nopromo_sales.sum(axis=1) / np.where(n_promo < w, w - n_promo, np.nan)
            out[f"nopromo_sales_decay_{w}"] = nopromo_sales @ decay_weights(w)

    for w in COUNT_WINDOWS:
        days, last, first = occurrences(window(x, w) > 0)
        out[f"sales_days_{w}"], out[f"last_sale_{w}"], out[f"first_sale_{w}"] = days, last, first
        days, last, first = occurrences(window(on_promo, w))
        out[f"promo_days_{w}"], out[f"last_promo_{w}"], out[f"first_promo_{w}"] = days, last, first

    for w in PROMO_SUM_WINDOWS:
        out[f"promo_sum_{w}"] = window(p_hist, w).sum(axis=1)
    # Known future promotions t+1 … t+15 (p_future column 0 is t).
    next_days = p_future[:, 1:1 + PROMO_NEXT_DAYS]
    for d in PROMO_NEXT_SUMS:
        out[f"promo_next_{d}"] = next_days[:, :d].sum(axis=1)
    days, last, first = occurrences(next_days > 0)
    out["promo_next_days_15"], out["promo_next_last_15"], out["promo_next_first_15"] = days, last, first

    for k in range(1, LAG_DAYS + 1):
        out[f"day_{k}"] = x[:, n_hist - k]
    for i in range(7):
        for weeks in WEEKDAY_WEEKS:
            # x[t−7·weeks+i+7k], k = 0 … weeks−1: every 7th column from t−7·weeks+i.
            out[f"dow{i}_mean_{weeks}"] = x[:, n_hist - 7 * weeks + i::7].mean(axis=1)
    for k in range(PROMO_PAST_DAYS, 0, -1):
        out[f"promo_m{k}"] = p_hist[:, n_hist - k]
    for h in range(HORIZON_DAYS):
        out[f"promo_p{h}"] = p_future[:, h]
    return {prefix + name: values for name, values in out.items()}


def level_features(x: pd.DataFrame, p: pd.DataFrame, keys: list[str], pairs: pd.MultiIndex, prefix: str) -> pd.DataFrame:
    """Features of the series summed over `keys` (item: over stores; store_class: over a store's items of a
    class), one row per pair."""
    if keys:
        x, p = x.groupby(level=keys).sum(), p.groupby(level=keys).sum()
    features = pd.DataFrame(series_features(x.to_numpy(), p.to_numpy(), prefix), index=x.index).astype(np.float32)
    if not keys:
        return features
    # Spread each group's row over its pairs.
    return features.reindex(pairs.droplevel([n for n in pairs.names if n not in keys]))


# --- attributes -----------------------------------------------------------------------------------------------


def codes(values: pd.Series) -> pd.Series:
    """Label encoding by the sorted vocabulary of the reference table."""
    vocabulary = sorted(values.dropna().unique())
    return values.map({v: i for i, v in enumerate(vocabulary)})


def attributes(items: pd.DataFrame, stores: pd.DataFrame, pairs: pd.MultiIndex) -> pd.DataFrame:
    items = items.assign(family=codes(items["family"])).set_index("item_nbr")
    stores = stores.assign(**{c: codes(stores[c]) for c in ("city", "state", "type")}).set_index("store_nbr")
    item_part = items.reindex(pairs.get_level_values("item_nbr"))[["family", "class", "perishable"]]
    store_part = stores.reindex(pairs.get_level_values("store_nbr"))[["city", "state", "type", "cluster"]]
    return pd.concat([item_part.reset_index(drop=True), store_part.reset_index(drop=True)], axis=1).astype(np.float32)


# --- the build ------------------------------------------------------------------------------------------------


class Steps:
    """Per-step wall seconds on stderr, to see where the time goes."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def done(self, step: str) -> None:
        now = time.perf_counter()
        print(f"pandas_features: {step} {now - self.last:.2f} s", file=sys.stderr)
        self.last = now


class Inputs(NamedTuple):
    train: pd.DataFrame
    plan: pd.DataFrame
    items: pd.DataFrame
    stores: pd.DataFrame


def read_inputs(lake: str, origin: date) -> Inputs:
    """Sales of [t−365, t+15], the promotion plan after the last sales day up to t+15, items and stores."""
    sales_dates = staged_dates(lake, "train")
    if not sales_dates:
        sys.exit(f"{lake} holds no staged sales")
    last_observed = sales_dates[-1]
    if origin > last_observed + timedelta(days=1):
        sys.exit(f"origin {origin} is after the day after the last observed day {last_observed}")
    first_read, last_read = origin - timedelta(days=SELECTION_DAYS), origin + timedelta(days=HORIZON_DAYS - 1)
    train = read_partitions(lake, "train", [d for d in sales_dates if first_read <= d <= last_read],
                            ["date", "store_nbr", "item_nbr", "unit_sales", "onpromotion"])
    plan = read_partitions(lake, "test", [d for d in staged_dates(lake, "test") if last_observed < d <= last_read],
                           ["date", "store_nbr", "item_nbr", "onpromotion"])
    return Inputs(train, plan, read_table(lake, "items"), read_table(lake, "stores"))


def wide_pivots(inputs: Inputs, origin: date, pivot: Pivot = pivot_unstack) -> tuple[pd.DataFrame, pd.DataFrame]:
    """x (t−147 … t−1) and p (t−147 … t+15), one row per selected pair, indexed by (store_nbr, item_nbr, class)."""
    train, t = inputs.train, pd.Timestamp(origin)
    grid_start = t - pd.Timedelta(days=HISTORY_DAYS)
    pairs = (train.loc[train["date"] < t, ["store_nbr", "item_nbr"]].drop_duplicates()
             .sort_values(["store_nbr", "item_nbr"]))
    pairs = pd.MultiIndex.from_frame(pairs)
    recent = train[train["date"] >= grid_start]
    recent = recent.assign(x=np.log1p(recent["unit_sales"].clip(lower=0)))

    history_days = pd.date_range(grid_start, t - pd.Timedelta(days=1))
    promo_days = pd.date_range(grid_start, t + pd.Timedelta(days=HORIZON_DAYS - 1))
    # Sales in double precision like the kernel; promotions are 0/1 (counts after the level sums), exact in float32.
    x = pivot(recent[recent["date"] < t], "x", pairs, history_days, np.float64)
    promo_rows = pd.concat([f for f in (recent[["date", "store_nbr", "item_nbr", "onpromotion"]], inputs.plan) if len(f)],
                           ignore_index=True)
    p = pivot(promo_rows.astype({"onpromotion": np.int8}), "onpromotion", pairs, promo_days, np.float32)

    # The store-class level groups by each pair's class.
    item_class = inputs.items.set_index("item_nbr")["class"].reindex(pairs.get_level_values("item_nbr"))
    keyed = pd.MultiIndex.from_arrays([pairs.get_level_values(0), pairs.get_level_values(1), item_class.to_numpy()],
                                      names=["store_nbr", "item_nbr", "class"])
    x.index, p.index = keyed, keyed
    return x, p


def feature_table(x: pd.DataFrame, p: pd.DataFrame, inputs: Inputs) -> pd.DataFrame:
    """store_nbr, item_nbr, the three levels' features and the attributes, in FEATURE_NAMES order."""
    pairs = x.index
    levels = [([], ""), (["item_nbr"], "item_"), (["store_nbr", "class"], "store_class_")]
    parts = [level_features(x, p, keys, pairs, prefix).reset_index(drop=True) for keys, prefix in levels]
    keys = pd.DataFrame({"store_nbr": pairs.get_level_values("store_nbr").astype(np.int32),
                         "item_nbr": pairs.get_level_values("item_nbr").astype(np.int32)})
    return pd.concat([keys, *parts, attributes(inputs.items, inputs.stores, pairs.droplevel("class"))], axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lake", required=True)
    parser.add_argument("--origin", required=True, type=date.fromisoformat)
    parser.add_argument("--out", help="Parquet file to write; without it the table is built in memory only")
    parser.add_argument("--pivot", choices=sorted(PIVOTS), default="unstack",
                        help="unstack: the kernel's pivot (default); scatter: a faster hand-written one")
    args = parser.parse_args()
    steps = Steps()
    inputs = read_inputs(args.lake, args.origin)
    steps.done("read partitions")
    x, p = wide_pivots(inputs, args.origin, PIVOTS[args.pivot])
    inputs = inputs._replace(train=None, plan=None)
    steps.done("wide pivots")
    table = feature_table(x, p, inputs)
    del x, p
    steps.done("features")
    if args.out:
        pq.write_table(pa.Table.from_pandas(table, preserve_index=False), args.out, compression="zstd")
        steps.done("write parquet")
    print(len(table), table.shape[1])


if __name__ == "__main__":
    main()
