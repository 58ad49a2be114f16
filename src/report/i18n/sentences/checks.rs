//! The Hebrew renderings of the cross-checks: their titles and their statements.
//!
//! Only data: the patterns are matched, in the order of [`super::FAMILIES`], by the engine in
//! [`crate::report::i18n`]; the English sentences themselves are written by the analysis.

/// Cross-check titles.
pub(super) const CROSS_CHECK_TITLES: &[(&str, &str)] = &[
    (
        r"^connection pool size vs concurrency$",
        "גודל ה-connection pool מול רמת המקביליות",
    ),
    (
        r"^request duration vs timeout x attempts$",
        "משך הבקשה מול timeout כפול מספר הניסיונות",
    ),
    (r"^retry amplification$", "הגברת עומס בגלל ניסיונות חוזרים"),
    (
        r"^single-request baseline vs load$",
        "טסט baseline של בקשה בודדת מול עומס",
    ),
    (r"^status retries$", "ניסיונות חוזרים על קודי סטטוס"),
    (
        r"^no single-request baseline test was found, so down cannot be told from overloaded$",
        "לא נמצא טסט baseline של בקשה בודדת, כך שאי אפשר להבדיל בין שרת למטה לשרת עמוס",
    ),
    (
        r"^baseline tests are found by the words baseline, single or smoke in their names \(or a concurrency of 1\)$",
        "טסטי baseline מזוהים לפי המילים baseline, single או smoke בשמם (או מקביליות 1)",
    ),
    (
        r"^--baseline-tests REGEX names them$",
        "--baseline-tests REGEX מגדיר אותם במפורש",
    ),
    (
        r"^baseline tests are the tests matching --baseline-tests '(?P<x>.*)'$",
        "טסטי ה-baseline הם הטסטים שתואמים את --baseline-tests '{x}'",
    ),
];

/// Cross-check statements.
pub(super) const CROSS_CHECKS: &[(&str, &str)] = &[
    (
        r"^pool size (?P<s>\d+) < observed concurrency (?P<c>\d+): up to (?P<n>\d+) connections per burst are opened and then discarded \((?P<w>\d+) pool-full warnings\)$",
        "pool בגודל {s} קטן ממקביליות נצפית של {c}: עד {n} חיבורים בכל פרץ נפתחים ואז נזרקים ({w} אזהרות pool-full)",
    ),
    (
        r"^pool size (?P<s>\d+) >= observed concurrency (?P<c>\d+), yet (?P<w>\d+) pool-full warnings: another session shares the host$",
        "pool בגודל {s} אינו קטן ממקביליות נצפית של {c}, ובכל זאת {w} אזהרות pool-full: session נוסף משתמש באותו יעד",
    ),
    (r"^pool size (?P<s>\d+)$", "pool בגודל {s}"),
    (
        r"^(?P<w>\d+) pool-full warnings show more concurrent requests than that$",
        "{w} אזהרות pool-full מראות יותר בקשות מקבילות מזה",
    ),
    (
        r"^(?P<s>\d+) is the urllib3/requests default, so the session that logged this was built without pool settings even if the main client is tuned$",
        "{s} היא ברירת המחדל של urllib3/requests, כך שה-session שרשם זאת נבנה ללא הגדרות pool גם אם הלקוח הראשי מכוונן",
    ),
    (
        r"^a failed request took (?P<e>[\d.]+) s with a (?P<t>[\d.]+) s timeout: (?P<r>[\d.]+)x the timeout$",
        "בקשה שנכשלה נמשכה {e} שניות עם timeout של {t} שניות: פי {r} מה-timeout",
    ),
    (
        r"^the Retry settings allow (?P<n>\d+) attempts \((?P<b>[\d.]+) s of timeouts\), so (?P<o>[\d.]+) s went to backoff and overhead$",
        "הגדרות ה-Retry מאפשרות {n} ניסיונות ({b} שניות של timeouts), כך ש-{o} שניות הלכו ל-backoff ולתקורה",
    ),
    (
        r"^backoff observed between attempts$",
        "ה-backoff שנצפה בין ניסיונות",
    ),
    (
        r"^consecutive retries of one request were (?P<m>[\d.]+) s apart on average \((?P<n>\d+) pair\(s\), (?P<x>[\d.]+)-(?P<o>[\d.]+) s\)$",
        "ניסיונות חוזרים עוקבים של אותה בקשה היו במרחק {m} שניות בממוצע ({n} זוגות, {x}-{o} שניות)",
    ),
    (
        r"^with a (?P<t>[\d.]+) s timeout that leaves no visible backoff between attempts$",
        "עם timeout של {t} שניות לא נשאר backoff נראה בין הניסיונות",
    ),
    (
        r"^with a (?P<t>[\d.]+) s timeout that leaves about (?P<b>[\d.]+) s of backoff per retry$",
        "עם timeout של {t} שניות נשארות כ-{b} שניות של backoff לכל ניסיון חוזר",
    ),
    (
        r"^the log's timestamps have 1 s resolution$",
        "חותמות הזמן בלוג ברזולוציה של שנייה אחת",
    ),
    (
        r"^retries stacked on top of the timeout$",
        "ניסיונות חוזרים נערמו מעל ה-timeout",
    ),
    (
        r"^the (?P<c>[a-z/]+) retry counter ran out$",
        "מונה הניסיונות {c} מוצה",
    ),
    (
        r"^(?P<r>\d+) retry attempt\(s\) for (?P<f>\d+) failed request\(s\): (?P<p>[\d.]+) attempts per failed request against (?P<t>.+?)(?: \(Retry allowed (?P<n>\d+)\))?$",
        "{r} ניסיונות חוזרים עבור {f} בקשות שנכשלו: {p} ניסיונות לכל בקשה שנכשלה מול {t} (Retry מאפשר {n})",
    ),
    (
        r"^POST requests were among those retried \(not idempotent: a retry may create a second job\)$",
        "בקשות POST היו בין אלה שנשלחו שוב (לא אידמפוטנטיות: ניסיון חוזר עלול ליצור job שני)",
    ),
    (
        r"^the baseline \((?P<b>.+)\) did not hit this, (?P<n>\d+) test\(s\) under load did: overloaded, not down$",
        "טסט ה-baseline ({b}) לא נתקל בזה, {n} טסטים תחת עומס כן: עומס יתר, לא שרת למטה",
    ),
    (
        r"^the baseline failed as well \((?P<b>.+)\) besides (?P<n>\d+) test\(s\) under load: down or unreachable, not just overloaded$",
        "גם טסט ה-baseline נכשל ({b}) מלבד {n} טסטים תחת עומס: השרת למטה או לא נגיש, לא רק עמוס",
    ),
    (
        r"^(?P<n>\d+) final failure\(s\) against (?P<t>.+) after repeated HTTP (?P<s>\d{3}) answers: every retry reached the server and was refused again$",
        "{n} כשלים סופיים מול {t} אחרי תשובות HTTP {s} חוזרות: כל ניסיון חוזר הגיע לשרת ונדחה שוב",
    ),
    (
        r"^POST was retried on status \((?P<e>.+)\): the server saw every attempt, so a retry can repeat a side effect$",
        "POST נשלח שוב בגלל קוד סטטוס ({e}): השרת ראה כל ניסיון, כך שניסיון חוזר עלול לחזור על תופעת לוואי",
    ),
];
