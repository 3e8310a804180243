//! Names, addresses, employers, banks, conditions and medicines; dates and money as printed.

use super::*;

pub(crate) const FEMALE: [&str; 44] = [
    "Mary",
    "Patricia",
    "Jennifer",
    "Linda",
    "Elizabeth",
    "Barbara",
    "Susan",
    "Jessica",
    "Sarah",
    "Karen",
    "Lisa",
    "Nancy",
    "Betty",
    "Sandra",
    "Margaret",
    "Ashley",
    "Kimberly",
    "Emily",
    "Donna",
    "Michelle",
    "Carol",
    "Amanda",
    "Melissa",
    "Deborah",
    "Stephanie",
    "Rebecca",
    "Sharon",
    "Laura",
    "Cynthia",
    "Dorothy",
    "Amy",
    "Angela",
    "Maria",
    "Rosa",
    "Keisha",
    "Aisha",
    "Linh",
    "Priya",
    "Tanya",
    "Gloria",
    "Brenda",
    "Denise",
    "Yolanda",
    "Teresa",
];
pub(crate) const MALE: [&str; 42] = [
    "James",
    "Robert",
    "John",
    "Michael",
    "David",
    "William",
    "Richard",
    "Joseph",
    "Thomas",
    "Charles",
    "Christopher",
    "Daniel",
    "Matthew",
    "Anthony",
    "Mark",
    "Donald",
    "Steven",
    "Paul",
    "Andrew",
    "Joshua",
    "Kenneth",
    "Kevin",
    "Brian",
    "George",
    "Timothy",
    "Ronald",
    "Jason",
    "Edward",
    "Jeffrey",
    "Ryan",
    "Jacob",
    "Gary",
    "Carlos",
    "Luis",
    "Marcus",
    "Andre",
    "Omar",
    "Tyrone",
    "Jose",
    "Hector",
    "Darnell",
    "Wayne",
];
pub(crate) const LAST: [&str; 99] = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Phillips",
    "Evans",
    "Turner",
    "Parker",
    "Collins",
    "Edwards",
    "Stewart",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Reed",
    "Bailey",
    "Bell",
    "Cooper",
    "Richardson",
    "Cox",
    "Howard",
    "Ward",
    "Peterson",
    "Gray",
    "James",
    "Watson",
    "Brooks",
    "Kelly",
    "Sanders",
    "Price",
    "Bennett",
    "Wood",
    "Barnes",
    "Ross",
    "Henderson",
    "Coleman",
    "Jenkins",
    "Perry",
    "Powell",
    "Long",
    "Patterson",
    "Hughes",
    "Washington",
    "Butler",
    "Simmons",
    "Foster",
    "Bryant",
    "Alexander",
    "Russell",
    "Griffin",
    "Diaz",
    "Hayes",
];

#[derive(Debug, Clone, Copy)]
pub(crate) struct City {
    pub(crate) name: &'static str,
    pub(crate) st: &'static str,
    pub(crate) state: &'static str,
    pub(crate) zip: &'static str,
    pub(crate) county: &'static str,
    pub(crate) area_code: &'static str,
}

pub(crate) const fn city(
    name: &'static str,
    st: &'static str,
    state: &'static str,
    zip: &'static str,
    county: &'static str,
    area_code: &'static str,
) -> City {
    City {
        name,
        st,
        state,
        zip,
        county,
        area_code,
    }
}

pub(crate) const CITIES: [City; 30] = [
    city("Macon", "GA", "Georgia", "31201", "Bibb", "478"),
    city("Valdosta", "GA", "Georgia", "31601", "Lowndes", "229"),
    city("Laramie", "WY", "Wyoming", "82070", "Albany", "307"),
    city("Dayton", "OH", "Ohio", "45402", "Montgomery", "937"),
    city("Toledo", "OH", "Ohio", "43604", "Lucas", "419"),
    city("Fresno", "CA", "California", "93721", "Fresno", "559"),
    city("Tucson", "AZ", "Arizona", "85701", "Pima", "520"),
    city("El Paso", "TX", "Texas", "79901", "El Paso", "915"),
    city("Tulsa", "OK", "Oklahoma", "74103", "Tulsa", "918"),
    city("Wichita", "KS", "Kansas", "67202", "Sedgwick", "316"),
    city("Omaha", "NE", "Nebraska", "68102", "Douglas", "402"),
    city("Des Moines", "IA", "Iowa", "50309", "Polk", "515"),
    city("Peoria", "IL", "Illinois", "61602", "Peoria", "309"),
    city("Flint", "MI", "Michigan", "48502", "Genesee", "810"),
    city("Erie", "PA", "Pennsylvania", "16501", "Erie", "814"),
    city(
        "Scranton",
        "PA",
        "Pennsylvania",
        "18503",
        "Lackawanna",
        "570",
    ),
    city("Albany", "NY", "New York", "12207", "Albany", "518"),
    city("Hartford", "CT", "Connecticut", "06103", "Hartford", "860"),
    city("Richmond", "VA", "Virginia", "23219", "Henrico", "804"),
    city(
        "Columbia",
        "SC",
        "South Carolina",
        "29201",
        "Richland",
        "803",
    ),
    city("Mobile", "AL", "Alabama", "36602", "Mobile", "251"),
    city("Jackson", "MS", "Mississippi", "39201", "Hinds", "601"),
    city("Little Rock", "AR", "Arkansas", "72201", "Pulaski", "501"),
    city("Shreveport", "LA", "Louisiana", "71101", "Caddo", "318"),
    city("Knoxville", "TN", "Tennessee", "37902", "Knox", "865"),
    city("Louisville", "KY", "Kentucky", "40202", "Jefferson", "502"),
    city("Spokane", "WA", "Washington", "99201", "Spokane", "509"),
    city("Boise", "ID", "Idaho", "83702", "Ada", "208"),
    city("Reno", "NV", "Nevada", "89501", "Washoe", "775"),
    city(
        "Albuquerque",
        "NM",
        "New Mexico",
        "87102",
        "Bernalillo",
        "505",
    ),
];

pub(crate) const STREETS: [&str; 24] = [
    "Oak",
    "Maple",
    "Cedar",
    "Pine",
    "Elm",
    "Washington",
    "Lincoln",
    "Jefferson",
    "Park",
    "Lake",
    "Hill",
    "Church",
    "Main",
    "Walnut",
    "Spring",
    "Highland",
    "Sunset",
    "Jackson",
    "Franklin",
    "Chestnut",
    "Willow",
    "Magnolia",
    "Dogwood",
    "Poplar",
];
pub(crate) const STREET_TYPES: [&str; 8] = ["St", "Ave", "Rd", "Dr", "Ln", "Ct", "Blvd", "Way"];
pub(crate) const PLACES: [&str; 12] = [
    "Riverside",
    "Lakeview",
    "Northside",
    "Southside",
    "Parkview",
    "Hillcrest",
    "Valley",
    "Westside",
    "Summit",
    "Oakwood",
    "Fairview",
    "Pinecrest",
];
pub(crate) const SAINTS: [&str; 6] = [
    "Mary's",
    "Joseph's",
    "Luke's",
    "Francis",
    "Vincent's",
    "Anne's",
];

pub(crate) const EMPLOYERS: [&str; 20] = [
    "Riverside Logistics LLC",
    "Summit Home Health Inc",
    "Blue Ridge Grocers Inc",
    "Metro Transit Services LLC",
    "Sunrise Senior Living LLC",
    "Lakeside Manufacturing Inc",
    "Pioneer Staffing Group LLC",
    "Golden Harvest Foods Inc",
    "Keystone Janitorial Services LLC",
    "Harbor Point Hospitality Inc",
    "Prairie Wind Farms LLC",
    "Tri-County Auto Parts Inc",
    "Bright Futures Child Care LLC",
    "Ironworks Fabrication Inc",
    "Evergreen Landscaping LLC",
    "Northstar Call Center Inc",
    "Magnolia Dental Group LLC",
    "Crossroads Fuel Stop Inc",
    "Cornerstone Property Management LLC",
    "Red Oak Furniture Inc",
];
pub(crate) const BANKS: [&str; 10] = [
    "First Federal Savings Bank",
    "Community Credit Union",
    "Citizens National Bank",
    "Heartland Bank & Trust",
    "Pinewood Federal Credit Union",
    "Farmers and Merchants Bank",
    "Liberty Savings Bank",
    "River Valley Community Bank",
    "Patriot Federal Credit Union",
    "United Security Bank",
];

/// (as a doctor writes it, as a claimant writes it, ICD-10 code)
pub(crate) const CONDITIONS: [(&str, &str, &str); 25] = [
    (
        "degenerative disc disease of the lumbar spine",
        "back problems",
        "M51.36",
    ),
    (
        "type 2 diabetes mellitus with neuropathy",
        "diabetes",
        "E11.40",
    ),
    (
        "major depressive disorder, recurrent",
        "depression",
        "F33.1",
    ),
    ("chronic obstructive pulmonary disease", "COPD", "J44.9"),
    ("rheumatoid arthritis", "arthritis", "M06.9"),
    ("congestive heart failure", "heart failure", "I50.9"),
    ("post-traumatic stress disorder", "PTSD", "F43.10"),
    ("primary osteoarthritis of both knees", "bad knees", "M17.0"),
    ("epilepsy with generalized seizures", "seizures", "G40.909"),
    (
        "chronic kidney disease, stage 3",
        "kidney disease",
        "N18.30",
    ),
    ("fibromyalgia", "fibromyalgia", "M79.7"),
    ("generalized anxiety disorder", "anxiety", "F41.1"),
    ("bipolar disorder", "bipolar disorder", "F31.9"),
    ("lumbar radiculopathy", "nerve pain in my legs", "M54.16"),
    ("chronic migraine without aura", "migraines", "G43.709"),
    ("coronary artery disease", "heart disease", "I25.10"),
    ("multiple sclerosis", "MS", "G35"),
    ("peripheral neuropathy", "numbness in my feet", "G62.9"),
    ("schizophrenia", "schizophrenia", "F20.9"),
    ("moderate persistent asthma", "asthma", "J45.40"),
    (
        "bilateral carpal tunnel syndrome",
        "carpal tunnel",
        "G56.03",
    ),
    ("essential hypertension", "high blood pressure", "I10"),
    ("cervical spinal stenosis", "neck pain", "M48.02"),
    (
        "late effects of stroke with left-sided weakness",
        "stroke",
        "I69.354",
    ),
    ("morbid obesity", "weight problems", "E66.01"),
];
/// (medicine, dose, what it is for)
pub(crate) const MEDICINES: [(&str, &str, &str); 16] = [
    ("Metformin", "500 mg twice daily", "diabetes"),
    ("Lisinopril", "10 mg daily", "blood pressure"),
    ("Gabapentin", "300 mg three times daily", "nerve pain"),
    ("Sertraline", "50 mg daily", "depression"),
    ("Albuterol inhaler", "2 puffs as needed", "breathing"),
    ("Meloxicam", "15 mg daily", "arthritis pain"),
    ("Atorvastatin", "20 mg at bedtime", "cholesterol"),
    ("Levothyroxine", "50 mcg daily", "thyroid"),
    ("Duloxetine", "60 mg daily", "pain and mood"),
    ("Prednisone", "10 mg daily", "inflammation"),
    ("Omeprazole", "20 mg daily", "stomach"),
    ("Furosemide", "40 mg daily", "swelling"),
    ("Insulin glargine", "24 units at night", "diabetes"),
    ("Levetiracetam", "500 mg twice daily", "seizures"),
    ("Quetiapine", "100 mg at bedtime", "mood and sleep"),
    ("Tramadol", "50 mg as needed", "pain"),
];
pub(crate) const JOBS: [&str; 16] = [
    "cashier",
    "warehouse associate",
    "home health aide",
    "truck driver",
    "janitor",
    "line cook",
    "certified nursing assistant",
    "forklift operator",
    "retail stocker",
    "construction laborer",
    "office clerk",
    "security guard",
    "school bus driver",
    "machine operator",
    "housekeeper",
    "customer service representative",
];
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub(crate) first: &'static str,
    pub(crate) middle: Option<char>,
    pub(crate) last: &'static str,
    pub(crate) female: bool,
    pub(crate) dob: Date,
    pub(crate) street: String,
    pub(crate) city: City,
    pub(crate) phone: String,
}

impl Person {
    /// `First M Last`: the form of [`Truth::fields`].
    pub(crate) fn name(&self) -> String {
        match self.middle {
            Some(m) => format!("{} {m} {}", self.first, self.last),
            None => format!("{} {}", self.first, self.last),
        }
    }

    pub(crate) fn printed(&self, style: NameStyle) -> String {
        let last_first = match self.middle {
            Some(m) => format!("{}, {} {m}", self.last, self.first),
            None => format!("{}, {}", self.last, self.first),
        };
        match style {
            NameStyle::Natural => self.name(),
            NameStyle::Upper => self.name().to_uppercase(),
            NameStyle::LastFirst => last_first,
            NameStyle::LastFirstUpper => last_first.to_uppercase(),
        }
    }

    pub(crate) fn city_line(&self) -> String {
        format!("{}, {} {}", self.city.name, self.city.st, self.city.zip)
    }

    pub(crate) fn pronoun(&self) -> &'static str {
        if self.female {
            "she"
        } else {
            "he"
        }
    }

    pub(crate) fn possessive(&self) -> &'static str {
        if self.female {
            "her"
        } else {
            "his"
        }
    }

    pub(crate) fn age_on(&self, day: Date) -> i32 {
        let mut age = day.year() - self.dob.year();
        if (day.month() as u8, day.day()) < (self.dob.month() as u8, self.dob.day()) {
            age -= 1;
        }
        age
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameStyle {
    Natural,
    Upper,
    LastFirst,
    LastFirstUpper,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateStyle {
    Slash,
    ShortSlash,
    Dash,
    Long,
    Abbreviated,
    Iso,
}

pub(crate) fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

pub(crate) fn month_name(d: Date) -> &'static str {
    MONTHS[usize::from(d.month() as u8 - 1)]
}

pub(crate) fn print_date(d: Date, style: DateStyle) -> String {
    let (y, m, day) = (d.year(), d.month() as u8, d.day());
    match style {
        DateStyle::Slash => format!("{m:02}/{day:02}/{y}"),
        DateStyle::ShortSlash => format!("{m}/{day}/{y}"),
        DateStyle::Dash => format!("{m:02}-{day:02}-{y}"),
        DateStyle::Long => format!("{} {day}, {y}", month_name(d)),
        DateStyle::Abbreviated => format!("{} {day}, {y}", &month_name(d)[..3]),
        DateStyle::Iso => iso(d),
    }
}

pub(crate) fn add_days(d: Date, days: i64) -> Date {
    d.checked_add(time::Duration::days(days)).unwrap_or(d)
}

pub(crate) fn date_between(rng: &mut StdRng, from: Date, to: Date) -> Date {
    let day = rng.gen_range(from.to_julian_day()..=to.to_julian_day());
    Date::from_julian_day(day).unwrap_or(from)
}

pub(crate) fn ymd(year: i32, month: u8, day: u8) -> Date {
    time::Month::try_from(month)
        .ok()
        .and_then(|m| Date::from_calendar_date(year, m, day).ok())
        .unwrap_or(Date::MIN)
}

/// `1,234.56` for an amount in cents.
pub(crate) fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.abs();
    // Groups of three digits from the right.
    let reversed: Vec<u8> = (cents / 100).to_string().bytes().rev().collect();
    let mut groups: Vec<String> = reversed
        .chunks(3)
        .map(|g| g.iter().rev().map(|&b| char::from(b)).collect())
        .collect();
    groups.reverse();
    format!("{sign}{}.{:02}", groups.join(","), cents % 100)
}

pub(crate) fn dollars(cents: i64) -> String {
    if cents < 0 {
        format!("-${}", money(-cents))
    } else {
        format!("${}", money(cents))
    }
}

/// `1234.56`: the form of money in [`Truth::fields`].
pub(crate) fn plain_money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// An SSN from the never-issued 900–999 area with a valid group and serial.
pub(crate) fn training_ssn(rng: &mut StdRng) -> String {
    format!(
        "{:03}-{:02}-{:04}",
        rng.gen_range(900..=999),
        rng.gen_range(1..=99),
        rng.gen_range(1..=9999)
    )
}

pub(crate) fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

pub(crate) fn person(rng: &mut StdRng, born_from: i32, born_to: i32) -> Person {
    let female = rng.gen_bool(0.5);
    let first = if female {
        pick(rng, &FEMALE)
    } else {
        pick(rng, &MALE)
    };
    let middle = rng
        .gen_bool(0.4)
        .then(|| char::from(b'A' + rng.gen_range(0..26u8)));
    let city = pick(rng, &CITIES);
    let mut street = format!(
        "{} {} {}",
        rng.gen_range(12..=9899),
        pick(rng, &STREETS),
        pick(rng, &STREET_TYPES)
    );
    if rng.gen_bool(0.25) {
        let _ = write!(
            street,
            " Apt {}{}",
            rng.gen_range(1..=24),
            pick(rng, &['A', 'B', 'C', 'D'])
        );
    }
    Person {
        first,
        middle,
        last: pick(rng, &LAST),
        female,
        dob: date_between(rng, ymd(born_from, 1, 1), ymd(born_to, 12, 31)),
        street,
        city,
        // 555-0100 to 555-0199 are reserved for fiction.
        phone: format!("({}) 555-01{:02}", city.area_code, rng.gen_range(0..100)),
    }
}
