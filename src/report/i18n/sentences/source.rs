//! The Hebrew renderings of why `--source DIR` links a place in the code to a root cause.
//!
//! Only data: the patterns are matched, in the order of [`super::FAMILIES`], by the engine in
//! [`crate::report::i18n`]; the English sentences themselves are written by the analysis.

/// `--source DIR`: why a place in the code is linked to a root cause.
pub(super) const SOURCE: &[(&str, &str)] = &[
    (
        r"^requests\.Session\(\) with no adapter mounted: requests' default pool of (?P<n>\d+), the pool size the pool-full warning shows$",
        "requests.Session() בלי adapter מותקן: ה-pool של ברירת המחדל של requests בגודל {n}, גודל ה-pool שמופיע באזהרת pool-full",
    ),
    (
        r"^(?P<c>(?:HTTPAdapter pool_maxsize|urllib3 pool maxsize)=\S+): the pool size the pool-full warning shows$",
        "{c}: גודל ה-pool שמופיע באזהרת pool-full",
    ),
    (
        r"^(?P<c>(?:HTTPAdapter pool_maxsize|urllib3 pool maxsize)=\S+): not the pool of (?P<s>[\d, ]+) the warning shows, so the warning comes from another session$",
        "{c}: לא ה-pool בגודל {s} שמופיע באזהרה, ולכן האזהרה באה מ-session אחר",
    ),
    (
        r"^(?P<c>(?:HTTPAdapter pool_maxsize|urllib3 pool maxsize)=\S+): with block=True a request waits for a free connection$",
        "{c}: עם block=True בקשה ממתינה לחיבור פנוי",
    ),
    (
        r"^(?P<c>(?:HTTPAdapter pool_maxsize|urllib3 pool maxsize)=\S+): the pool size it sets$",
        "{c}: גודל ה-pool שהוא קובע",
    ),
    (
        r"^HTTPAdapter max_retries=(?P<n>\d+): Retry\(total=\d+\) with no backoff$",
        "HTTPAdapter max_retries={n}: Retry(total={n}) ללא backoff",
    ),
    (
        r"^httpx transport retries=(?P<n>\S+): connect errors only, no backoff$",
        "httpx transport retries={n}: שגיאות התחברות בלבד, ללא backoff",
    ),
    (r"^(?P<c>Retry\(.*\))$", "{c}"),
    (
        r"^allows (?P<n>\d+) attempts per request$",
        "מאפשר {n} ניסיונות לכל בקשה",
    ),
    (
        r"^allowed_methods=None retries every method, POST included$",
        "allowed_methods=None חוזר על כל method, כולל POST",
    ),
    (
        r"^backoff_factor=(?P<f>[\d.]+): urllib3 sleeps (?P<a>[\d., ]+) s between attempts$",
        "backoff_factor={f}: urllib3 ממתין {a} שניות בין ניסיונות",
    ),
    (
        r"^(?P<x>[\d.]+) s per retry on average, to compare with the measured backoff$",
        "{x} שניות בממוצע לכל ניסיון חוזר, להשוואה עם ה-backoff שנמדד",
    ),
    (
        r"^a caller may pass other values$",
        "קוד שקורא לפונקציה עשוי להעביר ערכים אחרים",
    ),
    (
        r"^(?P<c>[\w.*]+=.*): not the (?P<x>[\d.]+) s timeout the log shows$",
        "{c}: לא ה-timeout של {x} שניות שמופיע בלוג",
    ),
    (
        r"^(?P<c>[\w.*]+=.*): the (?P<x>[\d.]+) s timeout the log shows$",
        "{c}: ה-timeout של {x} שניות שמופיע בלוג",
    ),
    (
        r"^(?P<c>[\w.*]+=.*): the timeout this call sets$",
        "{c}: ה-timeout שהקריאה הזו קובעת",
    ),
    (
        r"^(?P<c>ThreadPoolExecutor max_workers=.+): up to (?P<n>\d+) requests in flight$",
        "{c}: עד {n} בקשות במקביל",
    ),
    (
        r"^(?P<c>ThreadPoolExecutor max_workers=.+): the threads it runs$",
        "{c}: מספר ה-threads שהוא מריץ",
    ),
    (r"^observed concurrency (?P<n>\d+)$", "מקביליות שנצפתה: {n}"),
    (
        r"^the log lines of this cause come from logger (?P<m>\S+)$",
        "שורות הלוג של גורם זה באות מה-logger {m}",
    ),
    (
        r"^no semaphore or rate limiter anywhere in the scanned code$",
        "אין semaphore או rate limiter בשום מקום בקוד שנסרק",
    ),
    (
        r"^no health check: no name or string in this conftest\.py mentions health$",
        "אין בדיקת health: אף שם או מחרוזת ב-conftest.py הזה אינם מזכירים health",
    ),
];
