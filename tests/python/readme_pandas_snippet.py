import h5py
import pandas as pd

RUN_FILE = "results/london_baseline.h5"

with h5py.File(RUN_FILE, "r") as f:
    print(f.attrs["scenario_name"], "seed", f.attrs["seed"])
    dates = pd.DatetimeIndex(pd.to_datetime(f["time/date"].asstr()[:]), name="date")
    employers = pd.Index(f["employers/name"].asstr()[:], name="employer")
    ds = f["series/agency_fte"]  # shape [weeks, employers]
    agency_fte = pd.DataFrame(ds[:], index=dates, columns=employers)
    agency_fte.attrs["units"] = ds.attrs["units"]

# Tidy form: one row per week and employer.
tidy = agency_fte.stack().rename("agency_fte").reset_index()

# Mean agency FTE per employer over the last 52 weeks, highest first.
print(agency_fte.tail(52).mean().sort_values(ascending=False).head(5))
