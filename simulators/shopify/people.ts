/** Deterministic demo customers: names, emails, phones and locations from small lists (all fictional). */
import type { Random } from "../random";

const FIRST = [
  "Anna",
  "Lukas",
  "Sophie",
  "Jonas",
  "Marie",
  "Finn",
  "Laura",
  "Paul",
  "Lea",
  "Felix",
  "Emma",
  "Noah",
  "Mia",
  "Elias",
  "Hannah",
  "Leon",
  "Clara",
  "Ben",
  "Lena",
  "Julian",
  "Sarah",
  "Max",
  "Julia",
  "Tim",
  "Nina",
  "David",
  "Lisa",
  "Jan",
  "Eva",
  "Tom",
  "Sofia",
  "Luca",
  "Chiara",
  "Matteo",
  "Camille",
  "Louis",
  "Inès",
  "Hugo",
  "Sanne",
  "Daan",
  "Femke",
  "Lars",
  "Ingrid",
  "Oskar",
  "Alba",
  "Pablo",
  "Lucía",
  "Mateo",
  "Olivia",
  "James",
  "Amelia",
] as const;

const LAST = [
  "Müller",
  "Schmidt",
  "Schneider",
  "Fischer",
  "Weber",
  "Meyer",
  "Wagner",
  "Becker",
  "Schulz",
  "Hoffmann",
  "Koch",
  "Richter",
  "Klein",
  "Wolf",
  "Neumann",
  "Schwarz",
  "Braun",
  "Zimmermann",
  "Hofer",
  "Huber",
  "Gruber",
  "Keller",
  "Rossi",
  "Bianchi",
  "Martin",
  "Bernard",
  "Dubois",
  "de Vries",
  "Jansen",
  "Bakker",
  "Hansen",
  "Nilsson",
  "García",
  "López",
  "Smith",
  "Brown",
  "Berger",
  "Frei",
  "Moser",
  "Lang",
  "Vogel",
  "Krause",
  "Peters",
  "Roth",
] as const;

const PLACES: readonly (readonly [country: string, weight: number, cities: readonly string[], phonePrefix: string])[] =
  [
    ["DE", 55, ["Berlin", "München", "Hamburg", "Köln", "Freiburg", "Leipzig", "Stuttgart"], "+49 15"],
    ["AT", 12, ["Wien", "Innsbruck", "Graz", "Salzburg"], "+43 66"],
    ["CH", 8, ["Zürich", "Bern", "Luzern", "Basel"], "+41 79"],
    ["NL", 8, ["Amsterdam", "Utrecht", "Rotterdam"], "+31 6"],
    ["FR", 6, ["Lyon", "Grenoble", "Annecy", "Paris"], "+33 6"],
    ["IT", 5, ["Milano", "Bolzano", "Torino"], "+39 34"],
    ["ES", 3, ["Barcelona", "Madrid"], "+34 6"],
    ["SE", 3, ["Stockholm", "Göteborg"], "+46 70"],
  ];

export interface Person {
  firstName: string;
  lastName: string;
  countryCode: string;
  city: string;
  phone: string | null;
}

export function randomPerson(rng: Random): Person {
  const firstName = rng.pick(FIRST);
  const lastName = rng.pick(LAST);
  const [countryCode, , cities, phonePrefix] = rng.weighted(PLACES.map((p) => [p, p[1]] as const));
  const phone = rng.chance(0.3) ? `${phonePrefix}${String(rng.int(10_000_000, 99_999_999))}` : null;
  return { firstName, lastName, countryCode, city: rng.pick(cities), phone };
}

/** ASCII e-mail local part: "anna.mueller". */
export function emailLocalPart(firstName: string, lastName: string): string {
  const ascii = (s: string) =>
    s
      .toLowerCase()
      .replace(/ä/g, "ae")
      .replace(/ö/g, "oe")
      .replace(/ü/g, "ue")
      .replace(/ß/g, "ss")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "");
  return `${ascii(firstName)}.${ascii(lastName)}`;
}
