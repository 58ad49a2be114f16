"""Runs a job function concurrently with a bounded thread pool and counts the outcomes."""
import concurrent.futures as cf
import logging

log = logging.getLogger(__name__)


def run_concurrent(fn, count, workers):
    """Call fn(i) for i in range(count) on `workers` threads; return (ok, failed) counts."""
    ok = failed = 0
    with cf.ThreadPoolExecutor(max_workers=min(workers, 50)) as ex:
        futures = {ex.submit(fn, i): i for i in range(count)}
        for fut in cf.as_completed(futures):
            try:
                fut.result()
                ok += 1
            except Exception as e:  # one failed job must not stop the others
                failed += 1
                log.error("job %d failed: %s: %s", futures[fut], type(e).__name__, e)
    log.info("%d/%d jobs succeeded", ok, count)
    return ok, failed
