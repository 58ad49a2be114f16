//! The Hebrew renderings of the sentences about the HTTP client: the client configuration's
//! reasons per setting, Retry-After, the re-probe and urllib3's retry sleeps.
//!
//! Only data: the patterns are matched, in the order of [`super::FAMILIES`], by the engine in
//! [`crate::report::i18n`]; the English sentences themselves are written by the analysis.

/// The client configuration's reasons per setting (src/diagnose/client_config.rs).
pub(super) const CLIENT_CONFIG: &[(&str, &str)] = &[
    (
        r#"^"Connection pool size: (?P<s>\d+)" \(L(?P<l>\d+)\): (?P<n>\d+) connections for up to (?P<c>\d+) concurrent requests, so up to (?P<w>\d+) per burst are opened and discarded$"#,
        "\"Connection pool size: {s}\" (שורה {l}): {n} חיבורים לעד {c} בקשות מקבילות, כך שעד {w} חיבורים בכל פרץ נפתחים ונזרקים",
    ),
    (
        r#"^"Connection pool size: (?P<s>\d+)" \(L(?P<l>\d+)\): pool-full warnings at this size$"#,
        "\"Connection pool size: {s}\" (שורה {l}): אזהרות pool-full בגודל הזה",
    ),
    (
        r"^no pool-full warning, sized for the (?P<c>\d+) concurrent requests the tests run$",
        "אין אזהרות pool-full; בגודל של {c} הבקשות המקבילות שהטסטים מריצים",
    ),
    (
        r"^no pool evidence in this run: the requests default, kept explicit$",
        "אין בריצה ראיות על ה-pool: ברירת המחדל של requests, במפורש",
    ),
    (
        r"^wait for a free connection instead of opening one the pool will throw away$",
        "להמתין לחיבור פנוי במקום לפתוח חיבור שה-pool יזרוק",
    ),
    (
        r"^the first Retrying line of a request shows total=(?P<n>\d+) \(L(?P<l>\d+)\): the run's total kept$",
        "שורת ה-Retrying הראשונה של בקשה מראה total={n} (שורה {l}): ה-total של הריצה נשמר",
    ),
    (
        r"^connect and status errors counted on their own, fewer read retries \(a read timeout may have been executed\)$",
        "שגיאות התחברות וקודי סטטוס נספרים בנפרד, פחות ניסיונות חוזרים על קריאה (בקשה שה-read timeout שלה פג אולי כבר בוצעה)",
    ),
    (
        r"^no Retrying line in the log: a bounded default$",
        "אין בלוג שורת Retrying: ברירת מחדל מוגבלת",
    ),
    (
        r"^retries of one request were (?P<m>[\d.]+) s apart with a (?P<o>[\d.]+) s timeout: about (?P<b>[\d.]+) s of backoff per retry, from 1 s timestamps, so backoff_factor was about (?P<f>[\d.]+): retries came back before an overloaded server recovered$",
        "ניסיונות חוזרים של אותה בקשה היו במרחק {m} שניות עם timeout של {o} שניות: כ-{b} שניות backoff לכל ניסיון (מחותמות זמן של שנייה), כלומר backoff_factor של כ-{f}: הניסיונות חזרו לפני ששרת עמוס התאושש",
    ),
    (
        r"^retries of one request were (?P<m>[\d.]+) s apart with a (?P<o>[\d.]+) s timeout: about (?P<b>[\d.]+) s of backoff per retry, so backoff_factor was about (?P<f>[\d.]+): retries came back before an overloaded server recovered$",
        "ניסיונות חוזרים של אותה בקשה היו במרחק {m} שניות עם timeout של {o} שניות: כ-{b} שניות backoff לכל ניסיון, כלומר backoff_factor של כ-{f}: הניסיונות חזרו לפני ששרת עמוס התאושש",
    ),
    (
        r"^urllib3 slept at most (?P<a>[\d.]+) s before a retry \(DEBUG lines\) over (?P<n>\d+) retries, so backoff_factor was about (?P<f>[\d.]+): retries came back before an overloaded server recovered$",
        "urllib3 המתין לכל היותר {a} שניות לפני ניסיון חוזר (שורות DEBUG) לאורך {n} ניסיונות, כלומר backoff_factor של כ-{f}: הניסיונות חזרו לפני ששרת עמוס התאושש",
    ),
    (
        r"^(?P<f>[\d.]+) waits 0, (?P<a>[\d.]+), (?P<b>[\d.]+) s$",
        "{f} ממתין 0, {a}, {b} שניות",
    ),
    (
        r"^the log shows no measurable wait between retries$",
        "הלוג לא מראה המתנה מדידה בין ניסיונות חוזרים",
    ),
    (
        r"^spread the retries of parallel workers so they do not return in lockstep \(urllib3 >= 2, drop on 1\.26\)$",
        "לפזר את הניסיונות החוזרים של workers מקבילים כדי שלא יחזרו יחד (urllib3 >= 2, להסיר ב-1.26)",
    ),
    (
        r#"^retry only statuses that mean "come back later", when the server says$"#,
        "לנסות שוב רק על קודים שפירושם \"חזור מאוחר יותר\", כשהשרת אומר מתי",
    ),
    (
        r"^status retries ran out on 429/503 without waiting as long as the server may have asked$",
        "הניסיונות החוזרים על 429/503 מוצו בלי להמתין כפי שהשרת אולי ביקש",
    ),
    (
        r"^read and status retries only for idempotent methods$",
        "ניסיונות חוזרים על קריאה וקודי סטטוס רק למתודות אידמפוטנטיות",
    ),
    (
        r"^connect errors are still retried for every method$",
        "שגיאות התחברות עדיין נשלחות שוב בכל מתודה",
    ),
    (
        r"^POST was retried after the server had seen it: a retry can repeat a side effect$",
        "POST נשלח שוב אחרי שהשרת כבר ראה אותו: ניסיון חוזר עלול לחזור על תופעת לוואי",
    ),
    (
        r"^connect errors are still retried \(the server never saw those\)$",
        "שגיאות התחברות עדיין נשלחות שוב (השרת לא ראה אותן)",
    ),
    (
        r"^(?P<k>connect|read) timeout=(?P<o>[\d.]+) \(L(?P<l>\d+)\): kept$",
        "{k} timeout={o} (שורה {l}): נשמר",
    ),
    (
        r"^connect timeout=(?P<o>[\d.]+) \(L(?P<l>\d+)\): each unreachable attempt cost (?P<a>[\d.]+) s, (?P<b>[\d.]+) s is plenty on a LAN$",
        "connect timeout={o} (שורה {l}): כל ניסיון ליעד לא נגיש עלה {a} שניות, {b} שניות מספיקות ברשת מקומית",
    ),
    (
        r"^connect timeout not in the log: a short default$",
        "ה-connect timeout לא מופיע בלוג: ברירת מחדל קצרה",
    ),
    (
        r"^read timeout not in the log: set it above the slowest expected answer$",
        "ה-read timeout לא מופיע בלוג: לקבוע אותו מעל התשובה האיטית ביותר הצפויה",
    ),
    (
        r"^a timeout on every call, never none$",
        "timeout בכל קריאה, אף פעם לא בלי",
    ),
];

/// Retry-After.
pub(super) const RETRY_AFTER: &[(&str, &str)] = &[
    (
        r"^Retry-After on status retries$",
        "Retry-After בניסיונות חוזרים על קוד סטטוס",
    ),
    (
        r"^the slowest request that ran out of retries on HTTP (?P<s>\d{3}) took (?P<e>[\d.]+) s in total with (?P<n>\d+) attempt\(s\)$",
        "הבקשה האיטית ביותר שמיצתה את הניסיונות החוזרים על HTTP {s} נמשכה {e} שניות בסך הכול, ב-{n} ניסיונות",
    ),
    (
        r"^the slowest request that ran out of retries on HTTP (?P<s>\d{3}) took (?P<e>[\d.]+) s in total$",
        "הבקשה האיטית ביותר שמיצתה את הניסיונות החוזרים על HTTP {s} נמשכה {e} שניות בסך הכול",
    ),
    (
        r"^the server asked to wait (?P<w>[\d.]+) s \(Retry-After, L(?P<l>\d+)\)$",
        "השרת ביקש להמתין {w} שניות (Retry-After, שורה {l})",
    ),
    (
        r"^honouring it takes at least (?P<n>[\d.]+) s, so Retry-After was not honoured$",
        "כיבוד הבקשה דורש לפחות {n} שניות, כלומר ה-Retry-After לא כובד",
    ),
    (
        r"^consistent with Retry-After being honoured$",
        "תואם לכיבוד ה-Retry-After",
    ),
    (
        r"^the client waited at most (?P<w>[\d.]+) s between attempts, so a Retry-After longer than that was not honoured$",
        "הלקוח המתין לכל היותר {w} שניות בין ניסיונות, כך ש-Retry-After ארוך מזה לא כובד",
    ),
    (
        r"^the log does not show whether the server sent one$",
        "הלוג לא מראה אם השרת שלח כזה",
    ),
    (
        r"^the log does not show how long the requests that ran out of retries on HTTP (?P<s>\d{3}) took$",
        "הלוג לא מראה כמה זמן נמשכו הבקשות שמיצו את הניסיונות החוזרים על HTTP {s}",
    ),
];

/// Re-probe (rca analyze --probe).
pub(super) const REPROBE: &[(&str, &str)] = &[
    (
        r"^re-probe now: (?P<u>\S+) is still down \((?P<n>\d+) attempt\(s\), (?P<m>.+)\): a persistent outage, not a passing blip$",
        "בדיקה חוזרת עכשיו: {u} עדיין למטה ({n} ניסיונות, {m}): תקלה מתמשכת, לא תקלה חולפת",
    ),
    (
        r"^re-probe now: (?P<u>\S+) answers single requests but fails from concurrency (?P<n>\d+) \((?P<m>.+)\)$",
        "בדיקה חוזרת עכשיו: {u} עונה לבקשות בודדות אך נכשל החל ממקביליות {n} ({m})",
    ),
    (
        r"^the run drove (?P<n>\d+) concurrent requests, past that knee: load-related$",
        "הריצה הפעילה {n} בקשות מקבילות, מעבר לנקודת השבירה: הכשל קשור לעומס",
    ),
    (
        r"^the run drove (?P<n>\d+) concurrent requests, below that knee$",
        "הריצה הפעילה {n} בקשות מקבילות, מתחת לנקודת השבירה",
    ),
    (
        r"^re-probe now: (?P<u>\S+) is healthy \((?P<a>\d+) of (?P<s>\d+) answered, p50 (?P<p>\d+) ms\): the run's failures were transient or load-related$",
        "בדיקה חוזרת עכשיו: {u} תקין ({a} מתוך {s} נענו, p50 {p} ms): הכשלים בריצה היו חולפים או קשורים לעומס",
    ),
    (
        r"^re-probe now: (?P<u>\S+) is healthy \((?P<a>\d+) of (?P<s>\d+) answered\): the run's failures were transient or load-related$",
        "בדיקה חוזרת עכשיו: {u} תקין ({a} מתוך {s} נענו): הכשלים בריצה היו חולפים או קשורים לעומס",
    ),
    (
        r"^no ramp was run to test load \(--ramp\)$",
        "לא הורץ ramp לבדיקת עומס (--ramp)",
    ),
    (
        r"^but at most (?P<n>\d+) request\(s\) were on the wire at once: the ramp was capped below its steps$",
        "אך לכל היותר {n} בקשות היו בדרך בו-זמנית: הרמפה הוגבלה מתחת לשלביה",
    ),
    (
        r"^re-probe now: (?P<u>\S+) answered 404 to every health request: the server is up, its health unknown \(set --health-path\)$",
        "בדיקה חוזרת עכשיו: {u} החזיר 404 לכל בקשות הבריאות: השרת פעיל אך מצבו לא ידוע (יש להגדיר --health-path)",
    ),
    (
        r"^it kept up at every ramp step up to concurrency (?P<n>\d+)$",
        "השרת עמד בכל שלבי ה-ramp עד מקביליות {n}",
    ),
    (
        r"^re-probe now: (?P<u>\S+) is degraded \((?P<a>\d+) of (?P<s>\d+) answered, failures: (?P<m>.+)\)$",
        "בדיקה חוזרת עכשיו: {u} במצב ירוד ({a} מתוך {s} נענו, כשלים: {m})",
    ),
];

/// Urllib3 DEBUG sleeps.
pub(super) const URLLIB3_SLEEPS: &[(&str, &str)] = &[
    (
        r"^urllib3 slept (?P<a>[\d.]+)-(?P<b>[\d.]+) s before each of (?P<n>\d+) status retr\(ies\) on HTTP (?P<s>\d{3}) \(between its DEBUG 'Incremented Retry' and 'Retry:' lines\)$",
        "urllib3 המתין {a}-{b} שניות לפני כל אחד מ-{n} הניסיונות החוזרים על HTTP {s} (בין שורות ה-DEBUG 'Incremented Retry' ו-'Retry:')",
    ),
    (
        r"^urllib3 slept (?P<a>[\d.]+)-(?P<b>[\d.]+) s \(mean (?P<m>[\d.]+) s\) before each of (?P<n>\d+) retr\(ies\) after a connection error \(between its DEBUG 'Incremented Retry' and 'Retrying' lines\)$",
        "urllib3 המתין {a}-{b} שניות (ממוצע {m}) לפני כל אחד מ-{n} הניסיונות החוזרים אחרי שגיאת חיבור (בין שורות ה-DEBUG 'Incremented Retry' ו-'Retrying')",
    ),
    (
        r"^shorter sleeps mean Retry-After was not honoured$",
        "המתנות קצרות יותר פירושן שה-Retry-After לא כובד",
    ),
    (
        r"^no wait before retrying: a Retry-After, if the server sent one, was not honoured$",
        "אין המתנה לפני ניסיון חוזר: Retry-After, אם השרת שלח כזה, לא כובד",
    ),
    (
        r"^the log does not show the header, so this is the server's Retry-After or the client's backoff$",
        "הלוג לא מראה את הכותרת, כך שזה ה-Retry-After של השרת או ה-backoff של הלקוח",
    ),
];
