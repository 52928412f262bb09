/**
 * The demo store's catalogue: an outdoor & lifestyle brand, 40 products in 6 categories with realistic EUR prices.
 * Variants come from option lists; ids are stable so the same product keeps its id across runs.
 */

export interface CatalogVariant {
  id: number;
  title: string;
  sku: string;
  priceCents: number;
}

export interface CatalogProduct {
  id: number;
  title: string;
  vendor: string;
  category: string;
  /** Relative popularity (how often it lands in a basket). */
  popularity: number;
  requiresShipping: boolean;
  variants: CatalogVariant[];
}

type Row = [title: string, category: string, priceCents: number, options: readonly string[], popularity: number];

const SIZES = ["S", "M", "L", "XL"] as const;
const COLOURS = ["Black", "Forest", "Sand"] as const;

const ROWS: readonly Row[] = [
  ["Merino Base Layer Tee", "apparel", 5900, SIZES, 9],
  ["Merino Long Sleeve", "apparel", 6900, SIZES, 6],
  ["Trail Running Shorts", "apparel", 4500, SIZES, 5],
  ["Packable Rain Jacket", "apparel", 14900, SIZES, 4],
  ["Fleece Midlayer", "apparel", 8900, SIZES, 5],
  ["Organic Cotton Hoodie", "apparel", 7900, SIZES, 7],
  ["Hiking Socks (2-pack)", "apparel", 1990, ["S", "M", "L"], 12],
  ["Wool Beanie", "apparel", 2900, COLOURS, 8],
  ["Insulated Down Vest", "apparel", 12900, SIZES, 3],
  ["Sun Hoodie UPF50", "apparel", 6400, SIZES, 3],
  ["Trail Runner Shoe", "footwear", 13900, ["40", "41", "42", "43", "44", "45"], 5],
  ["Approach Shoe", "footwear", 15900, ["40", "41", "42", "43", "44", "45"], 2],
  ["Recovery Sandal", "footwear", 5900, ["38", "40", "42", "44"], 3],
  ["Waterproof Hiking Boot", "footwear", 18900, ["40", "41", "42", "43", "44", "45"], 2],
  ["Daypack 22L", "bags", 8900, COLOURS, 5],
  ["Rolltop Backpack 30L", "bags", 12900, COLOURS, 3],
  ["Hip Pack", "bags", 3900, COLOURS, 6],
  ["Duffel 45L", "bags", 10900, ["Black", "Forest"], 2],
  ["Dry Bag Set", "bags", 2900, [], 4],
  ["Insulated Bottle 750ml", "gear", 3400, COLOURS, 11],
  ["Titanium Spork", "gear", 1290, [], 7],
  ["Camp Mug", "gear", 1900, COLOURS, 6],
  ["Headlamp 400lm", "gear", 4900, [], 5],
  ["Trekking Poles (pair)", "gear", 9900, [], 2],
  ["Ultralight Tent 2P", "gear", 39900, [], 1],
  ["Down Sleeping Bag", "gear", 29900, ["Regular", "Long"], 1],
  ["Inflatable Sleeping Pad", "gear", 11900, ["Regular", "Long"], 2],
  ["Camp Stove", "gear", 6900, [], 2],
  ["First Aid Kit", "gear", 2900, [], 3],
  ["Energy Bar Box (12)", "nutrition", 2400, ["Peanut", "Cocoa", "Berry"], 10],
  ["Electrolyte Tabs", "nutrition", 990, ["Lemon", "Berry"], 9],
  ["Trail Coffee (250g)", "nutrition", 1290, ["Whole bean", "Ground"], 8],
  ["Freeze-Dried Meal", "nutrition", 1190, ["Chili", "Curry", "Pasta"], 6],
  ["Recovery Protein 1kg", "nutrition", 3900, ["Vanilla", "Chocolate"], 4],
  ["Gift Card", "gift", 5000, ["25 EUR", "50 EUR", "100 EUR"], 2],
  ["Sticker Pack", "gift", 500, [], 5],
  ["Map Print A2", "gift", 3500, ["Alps", "Dolomites", "Pyrenees"], 1],
  ["Care Kit (wash + proof)", "gear", 1900, [], 3],
  ["Buff Neck Gaiter", "apparel", 1990, COLOURS, 6],
  ["Repair Patches", "gear", 790, [], 2],
];

const GIFT_CARD_PRICES: Record<string, number> = {
  "25 EUR": 2500,
  "50 EUR": 5000,
  "100 EUR": 10000,
};

function buildCatalog(): CatalogProduct[] {
  return ROWS.map(([title, category, priceCents, options, popularity], i) => {
    const productId = 8_120_000_000_000 + i * 1_000_003;
    const skuBase = title
      .replace(/[^A-Za-z0-9 ]/g, "")
      .split(" ")
      .filter(Boolean)
      .map((w) => w.slice(0, 3).toUpperCase())
      .join("-");
    const optionList = options.length > 0 ? options : ["Default Title"];
    const variants = optionList.map((opt, j) => {
      // Larger sizes of apparel cost the same; gift cards are priced by denomination.
      const price = GIFT_CARD_PRICES[opt] ?? priceCents;
      return {
        id: 45_300_000_000_000 + i * 10_007 + j,
        title: opt,
        sku: options.length > 0 ? `${skuBase}-${opt.replace(/[^A-Za-z0-9]/g, "").toUpperCase()}` : skuBase,
        priceCents: price,
      };
    });
    return {
      id: productId,
      title,
      vendor: category === "nutrition" ? "Trail Pantry" : "Ciclo Outdoor",
      category,
      popularity,
      requiresShipping: category !== "gift" || title !== "Gift Card",
      variants,
    };
  });
}

export const DEMO_CATALOG: readonly CatalogProduct[] = buildCatalog();
