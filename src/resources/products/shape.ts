import type { Metadata } from '../../api/params.js';

/** A Product as served at the current API version (stripe-node 23 `Product`). */
export interface Product {
  id: string;
  object: 'product';
  active: boolean;
  created: number;
  default_price: string | null;
  description: string | null;
  images: string[];
  livemode: false;
  marketing_features: Array<{ name: string }>;
  metadata: Metadata;
  name: string;
  package_dimensions: PackageDimensions | null;
  shippable: boolean | null;
  statement_descriptor: string | null;
  tax_code: string | null;
  tax_details: null;
  type: 'good' | 'service';
  unit_label: string | null;
  updated: number;
  url: string | null;
}

export interface PackageDimensions {
  height: number;
  length: number;
  weight: number;
  width: number;
}

export interface DeletedProduct {
  id: string;
  object: 'product';
  deleted: true;
}
