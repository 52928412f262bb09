"""The same end-to-end work as `npm run clv -- --summary IN --output OUT`, done with lifetimes, as the reference
that bench/clv-cli.ts times beside our CLI: read the summary CSV, fit BG/NBD and Gamma-Gamma, score every
customer (P(alive), expected purchases over the horizon, expected order value, discounted CLV), write a CSV.

Usage: python lifetimes_clv.py IN.csv OUT.csv HORIZON_WEEKS ANNUAL_DISCOUNT_RATE
Needs lifetimes (with pandas, numpy, scipy, autograd, dill) importable; bench/clv-cli.ts puts a lifetimes source
checkout on PYTHONPATH. Prints one JSON line with the fitted parameters and its own phase times.
"""
import json
import sys
import time

start = time.perf_counter()
import pandas as pd  # noqa: E402
from lifetimes import BetaGeoFitter, GammaGammaFitter  # noqa: E402

source, target, horizon, annual_rate = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
imported = time.perf_counter()
data = pd.read_csv(source, dtype={"customer_id": str})
read = time.perf_counter()

bgf = BetaGeoFitter(penalizer_coef=0.0)
bgf.fit(data["x"], data["t_x"], data["T"])
repeat = data[(data["x"] > 0) & (data["m"] > 0)]
ggf = GammaGammaFitter(penalizer_coef=0.0)
ggf.fit(repeat["x"], repeat["m"])
fitted = time.perf_counter()

out = pd.DataFrame({"customer_id": data["customer_id"], "x": data["x"], "t_x": data["t_x"], "T": data["T"]})
out["p_alive"] = bgf.conditional_probability_alive(data["x"], data["t_x"], data["T"])
out["expected_purchases"] = bgf.conditional_expected_number_of_purchases_up_to_time(
    horizon, data["x"], data["t_x"], data["T"]
)
monetary = data["m"].where(data["x"] > 0, 0.0)
out["expected_avg_order_value"] = ggf.conditional_expected_average_profit(data["x"], monetary)
# lifetimes discounts month by month at a monthly rate; time is in months, freq "W" as our summary is in weeks.
months = max(1, round(horizon * 7 / 30.4375))
out["clv"] = ggf.customer_lifetime_value(
    bgf, data["x"], data["t_x"], data["T"], monetary, time=months, discount_rate=(1 + annual_rate) ** (1 / 12) - 1, freq="W"
).values
scored = time.perf_counter()
out.to_csv(target, index=False)
written = time.perf_counter()

print(
    json.dumps(
        {
            "bgnbd": {k: float(v) for k, v in bgf.params_.items()},
            "gammaGamma": {k: float(v) for k, v in ggf.params_.items()},
            "phases_s": {
                "import": round(imported - start, 3),
                "read": round(read - imported, 3),
                "fit": round(fitted - read, 3),
                "score": round(scored - fitted, 3),
                "write": round(written - scored, 3),
            },
        }
    )
)
