//! The Hebrew renderings of the sentences about root causes: the capacity estimate, root-cause
//! titles, verdict summaries, evidence and counter-evidence.
//!
//! Only data: the patterns are matched, in the order of [`super::FAMILIES`], by the engine in
//! [`crate::report::i18n`]; the English sentences themselves are written by the analysis.

/// The capacity estimate from the log's load levels (crate::diagnose::capacity).
pub(super) const CAPACITY: &[(&str, &str)] = &[
    (
        r"^the log's load levels: (?P<rest>.+) \((?P<conf>high|medium|low) confidence\)$",
        "רמות העומס בלוג: {rest} (ביטחון {conf})",
    ),
    (
        r"^errors start between concurrency (?P<a>\d+) and (?P<k>\d+): (?P<subj>.+) passed up to (?P<b>\d+) and failed from (?P<n>\d+)$",
        "השגיאות מתחילות בין מקביליות {a} ל-{k}: {subj} עברו עד {b} ונכשלו מ-{n}",
    ),
    (
        r"^errors first at concurrency (?P<k>\d+) but (?P<subj>.+) passed at (?P<n>\d+) above it: the knee is uncertain \(intermittent errors or another cause\)$",
        "שגיאות לראשונה במקביליות {k} אך {subj} עברו ב-{n} מעליה: נקודת השבירה אינה ודאית (שגיאות לסירוגין או סיבה אחרת)",
    ),
    (
        r"^latency climbs between concurrency (?P<a>\d+) and (?P<k>\d+): (?P<subj>.+) passed at every level but took (?P<n>\S+) times as long at (?P<b>\d+) as at (?P<m>\d+)$",
        "זמן התגובה מטפס בין מקביליות {a} ל-{k}: {subj} עברו בכל הרמות אך ארכו פי {n} ב-{b} מאשר ב-{m}",
    ),
    (
        r"^(?P<subj>.+) failed at concurrency (?P<k>\d+), the only level: the capacity is below (?P<n>\d+) or the server is down$",
        "{subj} נכשלו במקביליות {k}, הרמה היחידה: הקיבולת נמוכה מ-{n} או שהשרת למטה",
    ),
    (
        r"^every load level failed, the lowest at concurrency (?P<k>\d+): the capacity is below (?P<n>\d+) or the server is down$",
        "כל רמות העומס נכשלו, הנמוכה במקביליות {k}: הקיבולת נמוכה מ-{n} או שהשרת למטה",
    ),
    (
        r"^(?P<subj>.+) passed at concurrency (?P<k>\d+), the only level: no knee up to (?P<n>\d+)$",
        "{subj} עברו במקביליות {k}, הרמה היחידה: אין נקודת שבירה עד {n}",
    ),
    (
        r"^no knee up to concurrency (?P<k>\d+): every load level passed$",
        "אין נקודת שבירה עד מקביליות {k}: כל רמות העומס עברו",
    ),
    (
        r"^(?P<t>.+) kept up with the load levels up to (?P<a>\d+) and failed from (?P<k>\d+): overloaded, not down$",
        "{t} עמד ברמות העומס עד {a} ונכשל מ-{k}: עומס יתר, לא נפילה",
    ),
    (
        r"^the log's load levels passed up to (?P<a>\d+) and failed from (?P<k>\d+): a capacity limit, not an outage$",
        "רמות העומס בלוג עברו עד {a} ונכשלו מ-{k}: מגבלת קיבולת, לא נפילה",
    ),
    (
        r"^the parametrised levels of (?P<x>\S+) \((?P<l>[\d, …]+(?: \(\d+ levels\))?)\)$",
        "רמות הפרמטרים של {x} ({l})",
    ),
    (
        r#"^the load levels of (?P<n>\d+) test\(s\) \((?P<l>[\d, …]+(?: \(\d+ levels\))?)\), from their parameters and "N/N jobs" messages$"#,
        "רמות העומס של {n} טסטים ({l}), מהפרמטרים שלהם ומהודעות \"N/N jobs\"",
    ),
    (
        r"^the re-probe of (?P<u>\S+) fails from concurrency (?P<k>\d+), the log from (?P<n>\d+): agrees with the log$",
        "הבדיקה החוזרת של {u} נכשלת ממקביליות {k}, הלוג מ-{n}: תואם את הלוג",
    ),
    (
        r"^the re-probe of (?P<u>\S+) fails from concurrency (?P<k>\d+), the log from (?P<n>\d+): lower than the log shows: the server has less capacity now$",
        "הבדיקה החוזרת של {u} נכשלת ממקביליות {k}, הלוג מ-{n}: נמוך ממה שהלוג מראה: לשרת יש כעת פחות קיבולת",
    ),
    (
        r"^the re-probe of (?P<u>\S+) fails from concurrency (?P<k>\d+), the log from (?P<n>\d+): higher than the log shows: the run's failures were not only capacity$",
        "הבדיקה החוזרת של {u} נכשלת ממקביליות {k}, הלוג מ-{n}: גבוה ממה שהלוג מראה: הכשלים בריצה לא נבעו רק מקיבולת",
    ),
    (
        r"^the re-probe of (?P<u>\S+) kept up to concurrency (?P<k>\d+), the log failed from (?P<n>\d+): the server copes better now, or the run's load was not what the levels say$",
        "הבדיקה החוזרת של {u} עמדה בעומס עד מקביליות {k}, הלוג נכשל מ-{n}: השרת מתמודד טוב יותר כעת, או שהעומס בריצה לא היה כפי שהרמות אומרות",
    ),
    (
        r"^the re-probe of (?P<u>\S+) fails from concurrency (?P<k>\d+): the log shows no knee$",
        "הבדיקה החוזרת של {u} נכשלת ממקביליות {k}: בלוג אין נקודת שבירה",
    ),
    (
        r"^the re-probe of (?P<u>\S+) kept up to concurrency (?P<k>\d+): the log shows no knee either$",
        "הבדיקה החוזרת של {u} עמדה בעומס עד מקביליות {k}: גם בלוג אין נקודת שבירה",
    ),
];

/// Root-cause titles.
pub(super) const TITLES: &[(&str, &str)] = &[
    (
        r"^(?P<t>.+) unreachable: (?P<c>[a-z_, ]+)$",
        "{t} אינו נגיש: {c}",
    ),
    (
        r"^(?P<t>.+) failed the TLS handshake: tls_error$",
        "{t} נכשל בלחיצת היד של TLS: tls_error",
    ),
    (
        r"^(?P<t>.+) answered HTTP (?P<s>\d{3})$",
        "{t} החזיר HTTP {s}",
    ),
    (
        r"^(?P<t>.+) answered error statuses$",
        "{t} החזיר קודי שגיאה",
    ),
    (
        r"^(?P<t>.+) slow or dropping connections: (?P<c>[a-z_, ]+)$",
        "{t} איטי או מנתק חיבורים: {c}",
    ),
    (
        r"^client connection pool for (?P<h>.+) too small \(size (?P<s>\d+)\)$",
        "ה-connection pool של הלקוח אל {h} קטן מדי (גודל {s})",
    ),
    (
        r"^client connection pool for (?P<h>.+) exhausted$",
        "ה-connection pool של הלקוח אל {h} מוצה",
    ),
];

/// Verdict summaries.
pub(super) const VERDICTS: &[(&str, &str)] = &[
    (
        r"^(?P<t>.+) could not be reached even without load: server down, firewall or network$",
        "לא ניתן היה להגיע אל {t} גם ללא עומס: השרת למטה, חומת אש או רשת",
    ),
    (
        r"^(?P<t>.+) accepts single requests but stops accepting connections under load$",
        "{t} מקבל בקשות בודדות אך מפסיק לקבל חיבורים תחת עומס",
    ),
    (
        r"^(?P<t>.+) could not be reached$",
        "לא ניתן היה להגיע אל {t}",
    ),
    (
        r"^no baseline test tells down from overloaded$",
        "אין טסט baseline שמבדיל בין שרת למטה לשרת עמוס",
    ),
    (
        r"^(?P<t>.+) is up but refuses work with HTTP (?P<s>\d{3}): overloaded or an unhealthy upstream$",
        "{t} פעיל אך מסרב לעבודה עם HTTP {s}: עומס יתר או upstream לא תקין",
    ),
    (
        r"^(?P<t>.+) answered HTTP (?P<s>\d{3}): a server-side error$",
        "{t} החזיר HTTP {s}: שגיאה בצד השרת",
    ),
    (r"^its logs must say why$", "הלוגים שלו צריכים להסביר מדוע"),
    (
        r"^(?P<t>.+) rejected the requests with HTTP (?P<s>\d{3}): check what the tests send$",
        "{t} דחה את הבקשות עם HTTP {s}: יש לבדוק מה הטסטים שולחים",
    ),
    (
        r"^(?P<t>.+) accepted connections but answered too slowly or dropped them$",
        "{t} קיבל חיבורים אך ענה לאט מדי או ניתק אותם",
    ),
    (
        r"^the client opened more concurrent connections than its pool keeps$",
        "הלקוח פתח יותר חיבורים מקבילים ממה שה-pool שלו מחזיק",
    ),
];

/// Evidence and counter-evidence.
pub(super) const EVIDENCE: &[(&str, &str)] = &[
    (
        r"^(?P<n>\d+) event\(s\) in (?P<f>\d+) finding\(s\) \((?P<c>[a-z_, ]+)\), first at (?P<l>.*)$",
        "{n} אירועים ב-{f} ממצאים ({c}), הראשונים בשורות {l}",
    ),
    (
        r"^(?P<n>\d+) failed test\(s\) have this as their main failure$",
        "{n} טסטים שנכשלו, וזהו הכשל העיקרי שלהם",
    ),
    (
        r"^(?P<n>\d+) test\(s\) showed these events and still passed$",
        "{n} טסטים הראו אירועים אלה ובכל זאת עברו",
    ),
    (
        r"^(?P<t>.+) answered (?P<n>\d+) request\(s\) successfully (?P<scope>in the same window|during the run) \((?P<e>\d+) error response\(s\) in all\)$",
        "{t} ענה בהצלחה ל-{n} בקשות {scope} ({e} תשובות שגיאה בסך הכול)",
    ),
    (
        r"^(?P<t>.+) answered (?P<n>\d+) other request\(s\) while these failed: overloaded or flapping, not down$",
        "{t} ענה ל-{n} בקשות אחרות בזמן שאלה נכשלו: עומס יתר או חוסר יציבות, לא שרת למטה",
    ),
    (
        r"^(?P<n>\d+) test\(s\) passed in the same run$",
        "{n} טסטים עברו באותה ריצה",
    ),
    (
        r"^the single-request baseline failed too \((?P<b>.+)\): the target fails without load$",
        "גם טסט ה-baseline של בקשה בודדת נכשל ({b}): היעד נכשל גם ללא עומס",
    ),
    (
        r"^baseline test\(s\) passed: (?P<b>.+)$",
        "טסטי ה-baseline עברו: {b}",
    ),
    (
        r"^pool size (?P<s>\d+) is the urllib3/requests default: a session without explicit pool settings$",
        "pool בגודל {s} הוא ברירת המחדל של urllib3/requests: session ללא הגדרות pool מפורשות",
    ),
];
