//! What Xero does not document, shown either way (`SimConfig::unknowns`, sim/README.md "Unknowns"): the half
//! cent, a second refresh inside the grace window, the access tokens of a revoked grant.

use crate::support::accounting::*;
use crate::support::http::{self as common, INVOICE, access, api, client, login, refresh};
use serde_json::{Value, json};
use xero_sim::{DEMO_TENANT_ID, GraceRefresh, HalfCent, RevokedAccess, SimConfig, Unknowns};

fn with(unknowns: Unknowns) -> SimConfig {
    let mut cfg = SimConfig { unknowns, ..SimConfig::default() };
    cfg.limits.enabled = false;
    cfg
}

/// 1 × 0.125 and 1 × 0.135 (line amounts on the half cent), tax 10 % of 0.25 (0.025).
fn half_cent_line_amounts(half: HalfCent) -> Vec<String> {
    let mut sim = Sim::new();
    let patch = serde_json::from_value(json!({ "half_cent": half })).unwrap();
    sim.org.apply(&patch).unwrap();
    let contact = sim.contact("Half Ltd");
    let lines: Vec<Value> = ["0.125", "0.135", "0.25"]
        .iter()
        .map(|u| json!({ "Description": "h", "Quantity": 1, "UnitAmount": num(u), "AccountCode": "200", "TaxType": "OUTPUT" }))
        .collect();
    let r = sim.call(
        "PUT",
        "/Invoices",
        &[("unitdp", "4")],
        Some(json!({ "Invoices": [{ "Type": "ACCREC", "Contact": { "ContactID": contact }, "Date": "2024-03-01", "LineItems": lines }] })),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let l = &r.body["Invoices"][0]["LineItems"];
    vec![t(&l[0]["LineAmount"]), t(&l[1]["LineAmount"]), t(&l[2]["TaxAmount"])]
}

#[test]
fn the_half_cent_rounds_either_way() {
    assert_eq!(half_cent_line_amounts(HalfCent::AwayFromZero), ["0.13", "0.14", "0.03"]);
    assert_eq!(half_cent_line_amounts(HalfCent::ToEven), ["0.12", "0.14", "0.02"]);
}

fn refreshed(c: &reqwest::blocking::Client, base: &str, token: &str) -> Value {
    let r = refresh(c, base, token);
    assert_eq!(r.status().as_u16(), 200);
    r.json().unwrap()
}

#[test]
fn a_second_refresh_in_the_grace_window_answers_either_way() {
    for mode in [GraceRefresh::SameSuccessor, GraceRefresh::NewSuccessor] {
        let sim = common::start(with(Unknowns { grace_refresh: mode, ..Unknowns::default() }));
        let (c, base) = (client(), sim.base_url());
        let first = login(&c, &base)["refresh_token"].as_str().unwrap().to_owned();
        let one = refreshed(&c, &base, &first)["refresh_token"].as_str().unwrap().to_owned();
        let two = refreshed(&c, &base, &first)["refresh_token"].as_str().unwrap().to_owned();
        assert_eq!(sim.counters().refreshes_from_grace, 1, "{mode:?}");
        match mode {
            GraceRefresh::SameSuccessor => assert_eq!(one, two),
            GraceRefresh::NewSuccessor => {
                assert_ne!(one, two);
                let stale = refresh(&c, &base, &one);
                assert_eq!(stale.status().as_u16(), 400, "{mode:?}: the first successor was replaced");
            }
        }
        // The newest successor works either way.
        refreshed(&c, &base, &two);
    }
}

#[test]
fn a_revoked_grants_access_token_is_refused_or_lives_to_its_expiry() {
    for mode in [RevokedAccess::Refused, RevokedAccess::UntilExpiry] {
        let sim = common::start(with(Unknowns { revoked_access: mode, ..Unknowns::default() }));
        let (c, base) = (client(), sim.base_url());
        let tokens = login(&c, &base);
        let token = access(&tokens);
        let r = c
            .post(format!("{base}/connect/revocation"))
            .basic_auth("sim-client", Some("sim-secret"))
            .form(&[("token", tokens["refresh_token"].as_str().unwrap())])
            .send()
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let accounting = api(&c, &base, "PUT", "/Invoices", &token, Some(DEMO_TENANT_ID)).body(INVOICE).send().unwrap();
        let connections = c.get(format!("{base}/connections")).bearer_auth(&token).send().unwrap();
        let listed = (connections.status().as_u16(), connections.json::<Value>().unwrap());
        match mode {
            RevokedAccess::Refused => {
                assert_eq!(accounting.status().as_u16(), 401);
                assert_eq!(listed.0, 401, "{listed:?}");
            }
            // The token still opens, but the grant's connections are gone: the organisation refuses it.
            RevokedAccess::UntilExpiry => {
                assert_eq!(accounting.status().as_u16(), 403);
                assert_eq!(listed, (200, json!([])));
            }
        }
        assert_eq!(common::stored(&sim, DEMO_TENANT_ID, "Invoices"), Vec::<Value>::new());
    }
}
