#!/usr/bin/env python3
"""The (c) questions in pandas, as a researcher would write them.

Monthly HHI of one market (latest row per natural key, the market's shares,
HHI per month, markets with at least two platforms: the concentration
analysis) and the daily news volume around the incident (latest row per
article_id; articles and new story clusters per KST day from 28 days before
the incident's first day to 14 after: the news_volume analysis). Load (read_csv with
date parsing) and compute are timed separately; the last stdout line is
JSON for bench/cmd/gwbench. Usage: metrics.py CSV_DIR CATEGORY COUNTRY
"""
import json
import sys
import time

import pandas as pd


def main():
    d, category, country = sys.argv[1], sys.argv[2], sys.argv[3]
    t0, c0 = time.perf_counter(), time.process_time()
    news = pd.read_csv(f"{d}/news.csv", parse_dates=["published_at", "fetched_at"])
    mau = pd.read_csv(f"{d}/mau.csv", parse_dates=["period_start", "fetched_at"],
                      keep_default_na=False, na_values={"value": [""]})
    platforms = pd.read_csv(f"{d}/platforms.csv", parse_dates=["fetched_at"])
    incidents = pd.read_csv(f"{d}/incidents.csv", parse_dates=["at", "fetched_at"])
    load, load_cpu = time.perf_counter() - t0, time.process_time() - c0
    c1 = time.process_time()

    t1 = time.perf_counter()
    key = ["platform_id", "country", "metric", "period_start", "period_grain", "source", "revision"]
    mau = (mau.sort_values(["fetched_at", "run_id"], ascending=False)
              .drop_duplicates(key, keep="first"))
    platforms = (platforms.sort_values(["fetched_at", "run_id"], ascending=False)
                          .drop_duplicates("platform_id", keep="first"))
    m = mau.merge(platforms[["platform_id", "category"]], on="platform_id")
    m = m[(m.category == category) & (m.country == country) & (m.unit == "persons")
          & m.metric.isin(["mau", "daily_users", "daily_active_users"])
          & ~m["flags"].str.contains("superseded", regex=False)]
    market = ["country", "period_start", "period_grain", "metric", "source"]
    m = m.assign(share=m.value / m.groupby(market).value.transform("sum"))
    m = m.assign(sq=(100 * m.share) ** 2)
    g = m.groupby(market + ["estimator"]).agg(hhi=("sq", "sum"), n=("sq", "size"))
    g = g[g.n >= 2]
    hhi = time.perf_counter() - t1

    t2 = time.perf_counter()
    news = (news.sort_values(["fetched_at", "run_id"], ascending=False)
                .drop_duplicates("article_id", keep="first"))
    news = news.dropna(subset=["published_at"])
    day = news.published_at.dt.tz_convert("Asia/Seoul").dt.normalize()
    cluster = news.cluster_id.where(news.cluster_id.notna() & (news.cluster_id != ""), news.article_id)
    first = day.groupby(cluster.values).min()
    start = incidents[(incidents.incident_id == "2022-10-15-pangyo-fire") & (incidents.event == "start")]["at"].min()
    d0 = start.tz_convert("Asia/Seoul").normalize()
    lo, hi = d0 - pd.Timedelta(days=28), d0 + pd.Timedelta(days=14)
    articles = int(((day >= lo) & (day <= hi)).sum())
    clusters = int(((first >= lo) & (first <= hi)).sum())
    days = (hi - lo).days + 1
    daily_s = time.perf_counter() - t2
    compute_cpu = time.process_time() - c1

    print(json.dumps({
        "load_s": load, "hhi_s": hhi, "daily_s": daily_s, "compute_s": hhi + daily_s,
        "load_cpu_s": load_cpu, "compute_cpu_s": compute_cpu,
        "markets": int(len(g)), "hhi_sum": float(g.hhi.sum()),
        "days": days, "articles": articles, "clusters": clusters,
    }))


if __name__ == "__main__":
    main()
