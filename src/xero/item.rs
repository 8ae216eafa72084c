//! Items: the products and services lines may name, with their sales and purchase details.

use super::{ElementStatus, money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ItemDetails {
    #[serde(default, skip_serializing_if = "Option::is_none", with = "money")]
    pub unit_price: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_code: Option<String>,
    #[serde(rename = "COGSAccountCode", default, skip_serializing_if = "Option::is_none")]
    pub cogs_account_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Item {
    #[serde(rename = "ItemID", default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    #[serde(default)]
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_sold: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_purchased: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_details: Option<ItemDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_details: Option<ItemDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_tracked_as_inventory: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory_asset_account_code: Option<String>,
    #[serde(flatten)]
    pub status: ElementStatus,
}
