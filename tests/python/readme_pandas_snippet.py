import h5py
import pandas as pd

RUN_FILE = "results/london_baseline.h5"

with h5py.File(RUN_FILE, "r") as f:
    print(f.attrs["scenario_name"], "seed", f.attrs["seed"])
    ds = f["series/agency_fte"]  # [week, employer], or [replication, week, employer]
    # The dimension labels stored in the file ("employers" in format_version 1).
    labels = [dim.label.replace("employers", "employer") for dim in ds.dims]
    scales = {
        "week": pd.DatetimeIndex(pd.to_datetime(f["time/date"].asstr()[:]), name="date"),
        "employer": pd.Index(f["employers/name"].asstr()[:], name="employer"),
    }
    if "replication" in labels:
        scales["replication"] = pd.Index(f["replications/index"][:], name="replication")
    index = pd.MultiIndex.from_product([scales[label] for label in labels])
    agency_fte = pd.Series(ds[:].ravel(), index=index, name="agency_fte")
    agency_fte.attrs["units"] = ds.attrs["units"]

# Tidy form: one row per (replication,) week and employer.
tidy = agency_fte.reset_index()

# Weeks x employers, averaged over the replications when there are several.
wide = agency_fte.groupby(level=["date", "employer"]).mean().unstack("employer")

# Mean agency FTE per employer over the last 52 weeks, highest first.
print(wide.tail(52).mean().sort_values(ascending=False).head(5))
