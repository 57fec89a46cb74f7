import type { Region } from '../domain/ranking.ts';

/** Each region's currency and a rough USD value of one unit, for `live_usd_gmv`. */
export const REGION_MONEY: Record<Region, { currency: string; usdPerUnit: number; scale: number }> =
  {
    US: { currency: 'USD', usdPerUnit: 1, scale: 1 },
    GB: { currency: 'GBP', usdPerUnit: 1.27, scale: 0.4 },
    MX: { currency: 'MXN', usdPerUnit: 0.058, scale: 0.25 },
    ES: { currency: 'EUR', usdPerUnit: 1.08, scale: 0.12 },
    DE: { currency: 'EUR', usdPerUnit: 1.08, scale: 0.2 },
    IT: { currency: 'EUR', usdPerUnit: 1.08, scale: 0.12 },
    FR: { currency: 'EUR', usdPerUnit: 1.08, scale: 0.15 },
    ID: { currency: 'IDR', usdPerUnit: 0.000063, scale: 0.8 },
    VN: { currency: 'VND', usdPerUnit: 0.00004, scale: 0.45 },
    MY: { currency: 'MYR', usdPerUnit: 0.21, scale: 0.3 },
    TH: { currency: 'THB', usdPerUnit: 0.028, scale: 0.5 },
    PH: { currency: 'PHP', usdPerUnit: 0.018, scale: 0.35 },
    BR: { currency: 'BRL', usdPerUnit: 0.19, scale: 0.3 },
    JP: { currency: 'JPY', usdPerUnit: 0.0067, scale: 0.1 },
    SG: { currency: 'SGD', usdPerUnit: 0.74, scale: 0.08 },
  };

/** Creator categories with their share of creators (weights sum to 1). */
export const CREATOR_CATEGORIES = [
  { id: 1, name: 'Womenswear & Underwear', weight: 0.16 },
  { id: 2, name: 'Phones & Electronics', weight: 0.08 },
  { id: 3, name: 'Home Supplies', weight: 0.1 },
  { id: 4, name: 'Beauty', weight: 0.2 },
  { id: 5, name: 'Food & Beverages', weight: 0.09 },
  { id: 6, name: 'Fashion Accessories', weight: 0.1 },
  { id: 7, name: 'Sports & Outdoor', weight: 0.06 },
  { id: 8, name: 'Toys & Hobbies', weight: 0.05 },
  { id: 9, name: 'Health', weight: 0.1 },
  { id: 10, name: 'Kitchenware', weight: 0.06 },
] as const;

export const NAME_PARTS = [
  'glow',
  'daily',
  'shop',
  'luna',
  'style',
  'deals',
  'mama',
  'tech',
  'home',
  'beauty',
  'chef',
  'fit',
  'nova',
  'vibe',
  'trend',
  'sunny',
  'pearl',
  'urban',
  'coco',
  'lucky',
  'bloom',
  'mint',
  'star',
  'maple',
  'ruby',
  'zen',
  'pixel',
  'river',
  'honey',
  'jade',
] as const;

export const LIVE_TITLES = [
  'Spring Glow Up LIVE',
  'Flash Deals Only Today',
  'Restock Party',
  'Mega Sale Marathon',
  'New Arrivals Try-On',
  'Kitchen Must-Haves',
  'Skincare Q&A + Giveaway',
  'Midnight Deals',
  'Payday Sale',
  'Unboxing Live',
  'Bundle Bonanza',
  'Weekend Haul',
] as const;

/**
 * Where a region's cross-border creators come from: a few creators of the partner region also
 * sell (and rank) here, under their own uid and home region.
 */
export const CROSS_BORDER_PARTNER: Record<Region, Region> = {
  US: 'GB',
  GB: 'US',
  MX: 'ES',
  ES: 'MX',
  DE: 'FR',
  FR: 'DE',
  IT: 'FR',
  ID: 'MY',
  MY: 'SG',
  SG: 'MY',
  VN: 'TH',
  TH: 'VN',
  PH: 'SG',
  BR: 'MX',
  JP: 'US',
};
