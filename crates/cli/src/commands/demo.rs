//! `mandate demo`: a realistic sample organisation, one login per access role.

use crate::args::{DemoArgs, ServeArgs};
use crate::context::Context;
use crate::output::thousands;
use anyhow::{Context as _, Result, bail};
use mandate_core::audit::Actor;
use mandate_core::generator::{GeneratedPerson, Position, generate_people, to_import_rows};
use mandate_core::import::plan_import;
use mandate_core::password::hash_password;
use mandate_core::timefmt::now;
use mandate_core::{AccessRole, NewOrganisation, NewUser, PersonKind, Slug, User};
use std::process::ExitCode;

pub const DEMO_SLUG: &str = "demo";
pub const DEMO_DOMAIN: &str = "demo.example";
pub const PASSWORD_ENV: &str = "MANDATE_DEMO_PASSWORD";

pub async fn run(ctx: &Context, args: DemoArgs) -> Result<ExitCode> {
    let store = ctx.open_for_writing(true).await?;
    let slug = Slug::parse(DEMO_SLUG)?;
    if let Some(org) = store.organisation_by_slug(&slug).await? {
        let people = store.people_count(org.id).await?;
        println!(
            "The demo organisation {:?} is already there ({} people); leaving it as it is.",
            org.name,
            thousands(people as u64)
        );
        print_logins(
            &store
                .users(org.id)
                .await?
                .iter()
                .map(|u| (u.access_role, u.email.to_string()))
                .collect::<Vec<_>>(),
        );
        println!("Passwords are the ones set when the demo was created.");
    } else {
        create(&store, &args).await?;
    }
    if args.serve {
        drop(store);
        return super::serve::run(
            ctx,
            ServeArgs {
                bind: args.bind,
                metrics_bind: None,
                metrics_token: None,
                trusted_proxies: Vec::new(),
            },
        )
        .await;
    }
    Ok(ExitCode::SUCCESS)
}

async fn create(store: &mandate_store::Store, args: &DemoArgs) -> Result<()> {
    let mut new_org = NewOrganisation::new(Slug::parse(DEMO_SLUG)?, "Northwind Analytics")?
        .with_fiscal_year_start_month(4)?;
    new_org.purpose = "Northwind Analytics turns retailers' sales data into demand forecasts, as a hosted service.".into();
    new_org.scope_statement = "The ISMS covers the design, development, operation and support of the Northwind \
        forecasting platform and the customer data it processes, at the London and Porto offices and in the \
        cloud regions that host it."
        .into();
    new_org.strategic_goals = vec![
        "Win two enterprise retail customers a year".into(),
        "Keep the platform available 99.9 % of the time".into(),
        "Pass every customer security review on the first submission".into(),
    ];

    let mut people = generate_people(args.seed, args.people as usize, DEMO_DOMAIN, now().date());
    let logins = assign_logins(&mut people);
    let rows = to_import_rows(&people)?;
    let (plan, errors) = plan_import(new_org.id, &[], &rows, now());
    if let Some(e) = errors.first() {
        bail!(
            "the generated organisation is inconsistent (line {}: {})",
            e.line,
            e.message
        );
    }
    let (password, generated) = match std::env::var(PASSWORD_ENV) {
        Ok(p) => (p, false),
        Err(_) => (generate_password()?, true),
    };
    let hash = hash_password(&password)?;
    let mut users = Vec::new();
    let mut listed = Vec::new();
    for (role, index) in &logins {
        let email = &people[*index].email;
        let Some(person) = plan.inserts.iter().find(|p| p.email.as_str() == email) else {
            bail!("the demo login {email} has no person");
        };
        users.push(NewUser {
            person_id: person.id,
            access_role: *role,
            password_hash: Some(hash.clone()),
        });
        listed.push((*role, email.clone()));
    }
    let org = store
        .create_organisation(&Actor::system("demo"), &new_org, &plan.inserts, &users)
        .await?;
    store
        .install_starter_roles(&Actor::system("demo"), org.id)
        .await?;
    super::demo_policies::assign_roles(store, org.id).await?;
    let policies = super::demo_policies::create(store, org.id).await?;
    super::demo_campaigns::create(store, org.id).await?;
    let objectives = super::demo_performance::create(store, org.id).await?;
    super::demo_commitment::create(store, org.id).await?;
    super::demo_improvement::create(store, org.id).await?;
    println!(
        "Created the demo organisation {:?} with {} people, {policies} policies and {objectives} objectives.",
        org.name,
        thousands(plan.inserts.len() as u64)
    );
    print_logins(&listed);
    if generated {
        println!("Password for every login: {password}   (set {PASSWORD_ENV} to choose your own)");
    } else {
        println!("Password for every login: the value of {PASSWORD_ENV}");
    }
    Ok(())
}

/// The demo's login with access role `role`.
pub fn login(users: &[User], role: AccessRole) -> Result<&User> {
    users
        .iter()
        .find(|u| u.access_role == role)
        .with_context(|| format!("the demo has no {role} login"))
}

/// Whether a generated person suits a demo login.
type Fits = fn(&GeneratedPerson) -> bool;

/// Gives each access role a fitting person, renaming their email to
/// `ROLE@demo.example`; adds a person where the organisation is too small
/// to have one.
fn assign_logins(people: &mut Vec<GeneratedPerson>) -> Vec<(AccessRole, usize)> {
    let mut logins: Vec<(AccessRole, usize)> = Vec::new();
    let wanted: [(AccessRole, Fits); 6] = [
        (AccessRole::TopManagement, |p| {
            p.position == Position::ChiefExecutive
        }),
        (AccessRole::IsmsManager, |p| {
            p.position == Position::DepartmentHead && p.department.as_deref() == Some("IT")
        }),
        (AccessRole::Admin, |p| {
            p.position == Position::Staff && p.department.as_deref() == Some("IT")
        }),
        (AccessRole::Manager, |p| {
            p.position == Position::DepartmentHead && p.department.as_deref() == Some("Engineering")
        }),
        (AccessRole::Staff, |p| {
            p.position == Position::Staff && p.department.as_deref() == Some("Engineering")
        }),
        (AccessRole::Auditor, |p| {
            p.position == Position::SupplierContact
        }),
    ];
    for (role, fits) in wanted {
        let taken: Vec<usize> = logins.iter().map(|(_, i)| *i).collect();
        let found = people
            .iter()
            .enumerate()
            .position(|(i, p)| fits(p) && p.end_date.is_none() && !taken.contains(&i));
        let index = found.unwrap_or_else(|| {
            let mut extra = people[0].clone();
            extra.name = format!("Demo {}", role.as_str().replace('_', " "));
            extra.position = Position::Staff;
            extra.manager = Some(0);
            extra.kind = if role == AccessRole::Auditor {
                PersonKind::Supplier
            } else {
                PersonKind::Employee
            };
            extra.department = (role != AccessRole::Auditor).then(|| "IT".to_string());
            extra.end_date = None;
            people.push(extra);
            people.len() - 1
        });
        people[index].email = format!("{}@{DEMO_DOMAIN}", role.as_str());
        logins.push((role, index));
    }
    logins
}

fn print_logins(logins: &[(AccessRole, String)]) {
    println!("Logins:");
    for (role, email) in logins {
        println!("  {email:<32} {role}");
    }
}

fn generate_password() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 18];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("no randomness for a password: {e}"))?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mandate_core::generator::reference_day;

    #[test]
    fn every_role_gets_a_login_even_in_a_tiny_organisation() {
        for size in [1, 3, 250] {
            let mut people = generate_people(1, size, DEMO_DOMAIN, reference_day());
            let logins = assign_logins(&mut people);
            assert_eq!(logins.len(), 6);
            let rows = to_import_rows(&people).expect("valid");
            let (_, errors) = plan_import(mandate_core::OrgId::new(), &[], &rows, now());
            assert!(errors.is_empty(), "{size}: {errors:?}");
            assert!(
                people
                    .iter()
                    .any(|p| p.email == "auditor@demo.example" && p.kind == PersonKind::Supplier)
            );
        }
    }
}
