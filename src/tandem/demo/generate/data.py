"""Word lists the benchmark generator draws from: names, companies, job titles and places in English,
German, Spanish and Persian (in Persian script and in Latin transliteration). Street numbers, postal
codes and phone numbers are drawn in each country's real formats; e-mail and web domains all end in
the reserved `.example`, so no generated address ever reaches anyone."""

# ruff: noqa: RUF001 - Persian words, not look-alike Latin letters
# fmt: off
from __future__ import annotations

# country -> (weight, culture). A culture decides names, company names and job titles.
COUNTRIES: dict[str, tuple[int, str]] = {
    "US": (22, "en"),
    "GB": (10, "en"),
    "DE": (20, "de"),
    "AT": (5, "de"),
    "ES": (12, "es"),
    "MX": (9, "es"),
    "IR": (22, "fa"),
}
CULTURES = ("en", "de", "es", "fa")

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William",
        "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
        "Charles", "Karen", "Christopher", "Nancy", "Daniel", "Lisa", "Matthew", "Margaret", "Mark",
        "Sandra", "Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Noah", "Mia", "Jack", "Freya",
        "Emily", "Grace", "Chloe", "Liam", "Ethan", "Sophie", "Lucy", "Hannah", "Ryan", "Megan",
        "Mary-Kate", "Zoë",
    ),
    "de": (
        "Lukas", "Anna", "Jonas", "Lea", "Felix", "Lena", "Paul", "Hannah", "Jan", "Marie", "Jürgen",
        "Jörg", "Björn", "Sören", "Günter", "Käthe", "Uwe", "Maximilian", "Sophie", "Lara", "Tobias",
        "Katrin", "Stefan", "Sabine", "Matthias", "Ute", "Andreas", "Claudia", "Thomas", "Birgit",
        "Dieter", "Heike", "Klaus", "Ursula", "Moritz", "Leonie", "Niklas", "Jana", "Florian", "Antje",
        "Torsten", "Mareike", "Gerhard", "Brigitte", "Hans-Peter", "Anne-Kathrin", "Malte", "Frauke",
    ),
    "es": (
        "José", "María", "Juan", "Carmen", "Antonio", "Ana", "Francisco", "Laura", "Manuel", "Isabel",
        "David", "Lucía", "Javier", "Marta", "Alejandro", "Elena", "Carlos", "Sofía", "Miguel", "Paula",
        "Rafael", "Cristina", "Pedro", "Raquel", "Andrés", "Verónica", "Jesús", "Beatriz", "Fernando",
        "Rocío", "Sergio", "Nuria", "Pablo", "Inés", "Ángel", "Mónica", "Álvaro", "Pilar", "Iñaki",
        "Begoña", "Guadalupe", "Ximena", "Santiago", "Valentina", "Mateo", "Camila", "María José",
        "Juan Carlos",
    ),
}
LAST_NAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
        "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark",
        "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green",
        "Adams", "Baker", "Nelson", "Carter", "Mitchell", "Roberts", "Turner", "Phillips", "Campbell",
        "Parker", "Evans", "Edwards", "Collins", "Stewart", "Morris", "Murphy", "Cook", "Rogers",
        "O'Brien", "Hughes", "Wood", "Hall", "Fitzgerald-Ward",
    ),
    "de": (
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
        "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
        "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner",
        "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann",
        "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller",
        "Weiß", "Jung", "Hahn", "Vogel", "Groß", "Löffler", "Jäger", "Brückner", "von Bülow",
    ),
    "es": (
        "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
        "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Alonso",
        "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano",
        "Blanco", "Molina", "Morales", "Suárez", "Ortega", "Delgado", "Castro", "Ortiz", "Rubio", "Marín",
        "Sanz", "Núñez", "Iglesias", "Medina", "Garrido", "Cortés", "Castillo", "Santos", "Lozano",
        "Guerrero", "Cano", "Prieto", "de la Cruz", "Peña",
    ),
}
# (Persian script, Latin transliteration); a Persian name is written one way or the other.
PERSIAN_FIRST_NAMES: tuple[tuple[str, str], ...] = (
    ("علی", "Ali"), ("محمد", "Mohammad"), ("حسین", "Hossein"), ("رضا", "Reza"), ("مهدی", "Mehdi"),
    ("امیر", "Amir"), ("سعید", "Saeed"), ("حمید", "Hamid"), ("مجید", "Majid"), ("داریوش", "Dariush"),
    ("کوروش", "Kourosh"), ("بابک", "Babak"), ("آرش", "Arash"), ("پویا", "Pouya"), ("نیما", "Nima"),
    ("فرهاد", "Farhad"), ("بهرام", "Bahram"), ("کامران", "Kamran"), ("مریم", "Maryam"),
    ("زهرا", "Zahra"), ("فاطمه", "Fatemeh"), ("سارا", "Sara"), ("نازنین", "Nazanin"),
    ("شیرین", "Shirin"), ("لیلا", "Leila"), ("نرگس", "Narges"), ("مینا", "Mina"), ("پریسا", "Parisa"),
    ("الهام", "Elham"), ("سمیرا", "Samira"), ("آزاده", "Azadeh"), ("نگار", "Negar"),
    ("یاسمن", "Yasaman"), ("فرناز", "Farnaz"), ("گلناز", "Golnaz"), ("ترانه", "Taraneh"),
    ("رویا", "Roya"), ("هانیه", "Hanieh"),
)
PERSIAN_LAST_NAMES: tuple[tuple[str, str], ...] = (
    ("احمدی", "Ahmadi"), ("حسینی", "Hosseini"), ("کریمی", "Karimi"), ("رضایی", "Rezaei"),
    ("موسوی", "Mousavi"), ("محمدی", "Mohammadi"), ("جعفری", "Jafari"), ("صادقی", "Sadeghi"),
    ("رحیمی", "Rahimi"), ("کاظمی", "Kazemi"), ("قاسمی", "Ghasemi"), ("حیدری", "Heidari"),
    ("نوری", "Nouri"), ("مرادی", "Moradi"), ("اکبری", "Akbari"), ("هاشمی", "Hashemi"),
    ("شریفی", "Sharifi"), ("طاهری", "Taheri"), ("نجفی", "Najafi"), ("عباسی", "Abbasi"),
    ("سلیمانی", "Soleimani"), ("رستمی", "Rostami"), ("فرهادی", "Farhadi"), ("تهرانی", "Tehrani"),
    ("شیرازی", "Shirazi"), ("اصفهانی", "Esfahani"), ("یزدانی", "Yazdani"), ("بهرامی", "Bahrami"),
    ("امینی", "Amini"), ("ملکی", "Maleki"), ("زارعی", "Zarei"), ("پورمحمدی", "Pourmohammadi"),
    ("نیک\u200cنام", "Niknam"), ("میرزایی", "Mirzaei"),
)

# --- Companies --------------------------------------------------------------------------------
COMPANY_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "adjective": (
            "Blue", "Northern", "Silver", "Bright", "Summit", "Redwood", "Harbor", "Granite", "Evergreen",
            "Pioneer", "Atlas", "Crescent", "Lakeside", "Golden", "Iron", "Maple", "Westfield", "Oak",
            "Cedar", "Falcon", "Riverside", "Highland", "Sterling", "Beacon",
        ),
        "noun": (
            "Analytics", "Logistics", "Software", "Consulting", "Manufacturing", "Foods", "Energy",
            "Health", "Systems", "Media", "Design", "Capital", "Robotics", "Textiles", "Freight", "Labs",
            "Solutions", "Pharma", "Builders", "Outfitters", "Insurance", "Dental", "Printing", "Motors",
        ),
        "suffix": ("Inc.", "LLC", "Ltd", "Group", "Partners", "Co.", "Corp.", "PLC"),
    },
    "de": {
        "adjective": (
            "Berliner", "Münchner", "Hamburger", "Kölner", "Dresdner", "Grazer", "Wiener", "Stuttgarter",
            "Bremer", "Leipziger", "Nürnberger", "Rheinische", "Süddeutsche", "Norddeutsche",
        ),
        "noun": (
            "Logistik", "Maschinenbau", "Elektrotechnik", "Software", "Bau", "Immobilien", "Handel",
            "Medizintechnik", "Druckerei", "Spedition", "Brauerei", "Möbelwerke", "Stahlbau",
            "Energietechnik", "Gartenbau", "Feinkost", "Präzisionsteile", "Kältetechnik", "Glaserei",
            "Versicherungsmakler", "Zahntechnik", "Holzbau",
        ),
        "suffix": ("GmbH", "AG", "GmbH & Co. KG", "KG", "e.K.", "OHG"),
    },
    "es": {
        "adjective": (
            "del Norte", "del Sur", "Ibérica", "Mediterránea", "Andaluza", "Atlántica", "Azteca",
            "Castellana", "Levantina", "Peninsular", "Central", "Integral",
        ),
        "noun": (
            "Construcciones", "Transportes", "Distribuidora", "Alimentos", "Consultores", "Inmobiliaria",
            "Farmacéutica", "Textiles", "Soluciones", "Ingeniería", "Logística", "Bodegas", "Talleres",
            "Muebles", "Grupo", "Papelera", "Cerámicas", "Aceites",
        ),
        "suffix": ("S.L.", "S.A.", "S.L.U.", "S.A. de C.V.", "S. de R.L."),
    },
}
# (Persian script, Latin) pairs: "شرکت فولاد البرز" / "Alborz Steel Co."
PERSIAN_COMPANY_WORDS: tuple[tuple[str, str], ...] = (
    ("پارس", "Pars"), ("آریا", "Aria"), ("کاسپین", "Caspian"), ("البرز", "Alborz"), ("زاگرس", "Zagros"),
    ("سپاهان", "Sepahan"), ("کیان", "Kian"), ("مهر", "Mehr"), ("نگین", "Negin"), ("آسیا", "Asia"),
    ("دماوند", "Damavand"), ("پاسارگاد", "Pasargad"), ("سیمرغ", "Simorgh"), ("هامون", "Hamoun"),
    ("ارغوان", "Arghavan"), ("نوین", "Novin"),
)
PERSIAN_COMPANY_NOUNS: tuple[tuple[str, str], ...] = (
    ("انرژی", "Energy"), ("فولاد", "Steel"), ("نساجی", "Textile"), ("دارویی", "Pharma"),
    ("نرم\u200cافزاری", "Software"), ("کشتیرانی", "Shipping"), ("فرش", "Carpets"),
    ("پتروشیمی", "Petrochemical"), ("ساختمانی", "Construction"), ("غذایی", "Food"),
    ("الکترونیک", "Electronics"), ("بازرگانی", "Trading"), ("حمل و نقل", "Transport"),
)
PERSIAN_COMPANY_PREFIXES = ("شرکت", "گروه صنعتی", "هلدینگ")
PERSIAN_COMPANY_SUFFIXES = ("Co.", "Group", "Ltd", "Holding")

INDUSTRIES = (
    "Manufacturing", "Logistics", "Software", "Retail", "Wholesale", "Construction", "Energy",
    "Healthcare", "Pharma", "Banking", "Insurance", "Education", "Media", "Food & drink", "Travel",
    "Automotive", "Telecommunications", "Real estate", "Agriculture", "Textiles",
)

JOB_TITLES: dict[str, tuple[str, ...]] = {
    "en": (
        "CEO", "CFO", "CTO", "Head of Purchasing", "Project Manager", "IT Manager", "Accountant",
        "Office Manager", "Sales Director", "Operations Manager", "Software Engineer", "Marketing Lead",
        "Procurement Specialist", "Customer Success Manager", "HR Business Partner", "Legal Counsel",
    ),
    "de": (
        "Geschäftsführerin", "Geschäftsführer", "Einkaufsleiter", "Projektleiterin", "IT-Leiter",
        "Buchhalterin", "Vertriebsleiter", "Teamleiterin Logistik", "Prokurist",
        "Assistentin der Geschäftsführung", "Softwareentwickler", "Leiterin Qualitätssicherung",
    ),
    "es": (
        "Director General", "Directora Financiera", "Jefe de Compras", "Gerente de Proyectos",
        "Responsable de TI", "Contable", "Directora Comercial", "Jefa de Operaciones",
        "Ingeniero de Software", "Responsable de Marketing", "Asesor Jurídico",
    ),
    "fa": (
        "مدیرعامل", "مدیر مالی", "مدیر فروش", "کارشناس خرید", "مدیر پروژه", "مدیر فناوری اطلاعات",
        "حسابدار", "مهندس نرم\u200cافزار", "مدیر بازرگانی", "کارشناس بازاریابی",
    ),
}

TAGS = (
    "key account", "prospect", "partner", "reseller", "newsletter", "vip", "churn risk",
    "trade fair 2025", "Großkunde", "cliente potencial", "مشتری ویژه",
)

NOTES = (
    "Prefers e-mail over phone.", "Met at the trade fair in Hannover.", "Renewal due next quarter.",
    "Asked for a quote for 50 seats.", "Bitte nur vormittags anrufen.", "Rechnung bitte per Post.",
    "Prefiere reuniones por videollamada.", "Contacto a través de la cámara de comercio.",
    "تماس فقط در ساعات اداری", "Budget approved; waiting for the signed order.",
)

USER_NAMES = (
    "Generated User 01", "Generated User 02", "Generated User 03", "Generated User 04",
    "Generated User 05", "Generated User 06", "Generated User 07", "Generated User 08",
)
# A few users do most of the work, as in a real sales team.
USER_WEIGHTS = (30, 20, 15, 10, 10, 8, 5, 2)

FREEMAIL_DOMAINS = ("mail.example", "post.example", "inbox.example", "web.example", "posteo.example")

# --- Addresses --------------------------------------------------------------------------------
# country -> ((city, region, postal code prefix), ...); the rest of the postal code is drawn.
CITIES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "US": (
        ("Seattle", "WA", "981"), ("New York", "NY", "100"), ("San Francisco", "CA", "941"),
        ("Austin", "TX", "787"), ("Chicago", "IL", "606"), ("Boston", "MA", "021"), ("Miami", "FL", "331"),
        ("Denver", "CO", "802"),
    ),
    "GB": (
        ("London", "", "SW1A"), ("London", "", "EC1V"), ("London", "", "SE1"), ("Manchester", "", "M1"),
        ("Birmingham", "", "B2"), ("Edinburgh", "Scotland", "EH1"), ("Bristol", "", "BS1"),
        ("Leeds", "", "LS1"),
    ),
    "DE": (
        ("Berlin", "Berlin", "10"), ("München", "Bayern", "80"), ("Hamburg", "Hamburg", "20"),
        ("Köln", "Nordrhein-Westfalen", "50"), ("Frankfurt am Main", "Hessen", "60"),
        ("Stuttgart", "Baden-Württemberg", "70"), ("Düsseldorf", "Nordrhein-Westfalen", "40"),
        ("Leipzig", "Sachsen", "04"), ("Nürnberg", "Bayern", "90"),
    ),
    "AT": (
        ("Wien", "Wien", "10"), ("Wien", "Wien", "11"), ("Graz", "Steiermark", "80"),
        ("Salzburg", "Salzburg", "50"), ("Linz", "Oberösterreich", "40"), ("Innsbruck", "Tirol", "60"),
    ),
    "ES": (
        ("Madrid", "Comunidad de Madrid", "280"), ("Barcelona", "Cataluña", "080"),
        ("Sevilla", "Andalucía", "410"), ("Valencia", "Comunitat Valenciana", "460"),
        ("Bilbao", "País Vasco", "480"), ("Málaga", "Andalucía", "290"), ("Zaragoza", "Aragón", "500"),
    ),
    "MX": (
        ("Ciudad de México", "CDMX", "06"), ("Ciudad de México", "CDMX", "03"),
        ("Guadalajara", "Jalisco", "44"), ("Monterrey", "Nuevo León", "64"), ("Puebla", "Puebla", "72"),
        ("Mérida", "Yucatán", "97"),
    ),
    "IR": (
        ("Tehran", "Tehran", "1"), ("Isfahan", "Isfahan", "81"), ("Shiraz", "Fars", "71"),
        ("Mashhad", "Razavi Khorasan", "91"), ("Tabriz", "East Azerbaijan", "51"),
    ),
}
PERSIAN_CITIES = {
    "Tehran": ("تهران", "تهران"),
    "Isfahan": ("اصفهان", "اصفهان"),
    "Shiraz": ("شیراز", "فارس"),
    "Mashhad": ("مشهد", "خراسان رضوی"),
    "Tabriz": ("تبریز", "آذربایجان شرقی"),
}
POSTAL_LENGTHS = {"US": 5, "DE": 5, "AT": 4, "ES": 5, "MX": 5, "IR": 10}
STREETS: dict[str, tuple[str, ...]] = {
    "US": ("Main Street", "Oak Avenue", "Pine Street", "Maple Drive", "Cedar Lane", "Elm Street",
           "Washington Boulevard", "Lake Road", "Sunset Boulevard", "Market Street", "Park Avenue"),
    "GB": ("High Street", "Church Road", "Station Road", "Victoria Street", "King's Road",
           "Queen Street", "Mill Lane", "Park Close", "The Crescent", "Brook Way"),
    "DE": ("Hauptstraße", "Bahnhofstraße", "Schloßallee", "Gartenweg", "Königstraße", "Lindenstraße",
           "Goethestraße", "Schillerplatz", "Mühlenweg", "Am Marktplatz", "Friedrichstraße", "Rosenstraße"),
    "AT": ("Mariahilfer Straße", "Landstraßer Hauptstraße", "Herrengasse", "Getreidegasse",
           "Maria-Theresien-Straße", "Kärntner Straße", "Hauptplatz"),
    "ES": ("Calle de Alcalá", "Avenida de la Constitución", "Plaza Mayor", "Paseo de Gracia",
           "Calle Núñez de Balboa", "Gran Vía", "Calle del Príncipe", "Rambla de Cataluña"),
    "MX": ("Av. Insurgentes Sur", "Paseo de la Reforma", "Calle Morelos", "Av. Juárez",
           "Calle Hidalgo", "Av. Chapultepec", "Calle 60"),
    "IR": ("Valiasr St.", "Enghelab St.", "Azadi St.", "Shariati St.", "Chaharbagh Ave.",
           "Zand Blvd."),
}
PERSIAN_STREETS = ("خیابان ولیعصر", "خیابان انقلاب", "خیابان آزادی", "خیابان شریعتی", "بلوار زند",
                   "خیابان چهارباغ")
GB_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
