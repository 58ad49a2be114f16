//! The Hebrew renderings of the report's short sentences: outage windows, the headline and
//! the one-line symptoms.
//!
//! Only data: the patterns are matched, in the order of [`super::FAMILIES`], by the engine in
//! [`crate::report::i18n`]; the English sentences themselves are written by the analysis.

/// Outage windows.
pub(super) const OUTAGES: &[(&str, &str)] = &[
    (
        r"^(?P<a>[\d-]+ [\d:]+) – (?P<b>[\d-]+ [\d:]+) UTC: (?P<n>\d+) failed tests within (?P<d>\d+) s$",
        "{a} – {b} UTC: {n} טסטים נכשלו בתוך {d} שניות",
    ),
    (
        r"^no successful response from the target in that time$",
        "אף תשובה מוצלחת מהשרת בזמן הזה",
    ),
    (
        r"^the target answered (?P<n>\d+) request\(s\) successfully in that time$",
        "השרת ענה בהצלחה ל-{n} בקשות בזמן הזה",
    ),
    (
        r"^(?P<t>\S+) connection failures although it answered other requests: (?P<c>.+)$",
        "{t}: כשלי התחברות אף שהשרת ענה לבקשות אחרות: {c}",
    ),
    (
        r"^connections to (?P<t>\S+) failed \((?P<c>[^)]+)\) although it answered other requests in this run \(error statuses or slow answers\): a scheme, TLS or port mismatch on these requests, or an intermittent network fault, not a server that is down$",
        "החיבורים ל-{t} נכשלו ({c}) אף שהשרת ענה לבקשות אחרות בריצה הזו (סטטוסי שגיאה או תשובות איטיות): אי-התאמה של scheme, TLS או port בבקשות האלה, או תקלת רשת לסירוגין, לא שרת שנפל",
    ),
    (
        r"^(?P<t>\S+) gives no HTTP answer now \((?P<m>[^)]*)\): down now, an outage still going on$",
        "{t} לא מחזיר עכשיו שום תשובת HTTP ({m}): השרת למטה עכשיו, התקלה נמשכת",
    ),
    (
        r"^healthy now \(re-probe\): the run's failures were transient or load-related$",
        "תקין עכשיו (בדיקה חוזרת): הכשלים בריצה היו חולפים או קשורים לעומס",
    ),
    (
        r"^still failing now \(re-probe: (?P<m>[^)]*)\)$",
        "עדיין נכשל עכשיו (בדיקה חוזרת: {m})",
    ),
    (
        r"^degraded now \(re-probe: (?P<m>[^)]*)\)$",
        "פגום חלקית עכשיו (בדיקה חוזרת: {m})",
    ),
    (r"^Run: (?P<d>.+) UTC$", "ריצה: {d} UTC"),
    (
        r"^servers named in the log: (?P<s>.+)$",
        "שרתים שהלוג מזכיר: {s}",
    ),
    (r"^rca (?P<v>[0-9][0-9.]*)$", "rca {v}"),
];

/// Headline.
pub(super) const HEADLINE: &[(&str, &str)] = &[
    (
        r"^(?P<f>\d+) of (?P<t>\d+) tests failed -> (?P<r>\d+) root causes?(?P<rest>.*)$",
        "{f} מתוך {t} טסטים נכשלו ← {r} גורמי שורש{rest}",
    ),
    (
        r"^(?P<a>\d+) \(\+(?P<n>\d+) without a time\)$",
        "{a} (+{n} ללא זמן)",
    ),
    (
        r"^ \(\+(?P<n>\d+) contributing\)(?P<rest>.*)$",
        " (+{n} תורמים){rest}",
    ),
    (
        r"^ \(\+(?P<n>\d+) failure\(s\) without an HTTP-client cause\)$",
        " (+{n} כשלים ללא גורם של לקוח HTTP)",
    ),
    (
        r"^no test results in the input -> (?P<r>\d+) root causes? from (?P<n>\d+) event\(s\)$",
        "אין תוצאות טסטים בקלט ← {r} גורמי שורש מתוך {n} אירועים",
    ),
];

/// Symptoms (one-line phrases).
pub(super) const SYMPTOMS: &[(&str, &str)] = &[
    (r"^Connect timed out(?P<rest>.*)$", "תם הזמן להתחברות{rest}"),
    (r"^Read timed out(?P<rest>.*)$", "תם הזמן לקריאה{rest}"),
    (
        r"^Connection pool full(?P<rest>.*)$",
        "ה-connection pool מלא{rest}",
    ),
    (
        r"^Connection pool exhausted(?P<rest>.*)$",
        "ה-connection pool מוצה{rest}",
    ),
    (
        r"^Retries exhausted on HTTP (?P<s>\d{3})(?P<rest>.*)$",
        "הניסיונות החוזרים מוצו על HTTP {s}{rest}",
    ),
    (
        r"^Retries exhausted after (?P<c>[a-z ]+?)(?P<rest>(?: on | to | ×).*)?$",
        "הניסיונות החוזרים מוצו אחרי {c}{rest}",
    ),
    (
        r"^Retries exhausted(?P<rest>.*)$",
        "הניסיונות החוזרים מוצו{rest}",
    ),
    (r"^Connection refused(?P<rest>.*)$", "החיבור נדחה{rest}"),
    (
        r"^Connection reset by peer(?P<rest>.*)$",
        "החיבור נותק על ידי הצד השני{rest}",
    ),
    (
        r"^Name resolution failed(?P<rest>.*)$",
        "תרגום השם נכשל{rest}",
    ),
    (r"^TLS error(?P<rest>.*)$", "שגיאת TLS{rest}"),
    (
        r"^HTTP error status(?P<rest>.*)$",
        "קוד שגיאה של HTTP{rest}",
    ),
    (
        r"^Request deadline hit after (?P<x>[\d.]+) s(?P<rest>.*)$",
        "חריגה ממגבלת הזמן של הבקשה אחרי {x} שניות{rest}",
    ),
    (
        r"^Request deadline hit(?P<rest>.*)$",
        "חריגה ממגבלת הזמן של הבקשה{rest}",
    ),
];
