//! The automatic lock of Harness deployment stages (Harness's "resource constraint").
//!
//! A Deployment stage holds, for its whole run, a lock on its infrastructure key, which Harness
//! forms from the service, the environment and the infrastructure definition (and its
//! connector, which the infrastructure definition decides). Stages with the same key never
//! overlap; the first to ask runs and the others queue in order.
//! `allowSimultaneousDeployments: true` on the infrastructure removes it; Custom, CI and
//! Approval stages have none. A key with a runtime input (`<+input>`) is unknown: the stage is
//! assumed to share it with no other stage.
//!
//! [`parse`] reads what the stage's `spec` names, as written; [`Lowering::deployment_lock`]
//! puts in the values of the stage instance and turns the keys into resources.

use crate::diagnostic::Diagnostic;
use crate::lint::rules::{approximated, runtime_value::RUNTIME_VALUE};
use crate::model::{Demand, ResourceKind};
use crate::yaml::Node;

use super::ir::{Deployment, PlaceSource, Raw, ServiceSource};
use super::key_span;
use super::lower::{Lowering, Scope};

/// What a deployment stage deploys: its services, and the (environment, infrastructure) pairs.
#[derive(Debug, Clone, Default)]
pub(super) struct Targets {
    services: Vec<String>,
    places: Vec<(String, String)>,
}

/// Reads what a Deployment stage's `spec` deploys.
pub(super) fn parse(spec: &Node) -> Deployment {
    let raw = |n: Option<&Node>| n.and_then(Node::as_str).map(str::to_string);
    let from_stage = |u: &Node| raw(u.get("stage"));
    let mut services = Vec::new();
    for service in [spec.get("service"), spec.get("serviceConfig")].into_iter().flatten() {
        if let Some(r) = service.get("serviceRef") {
            services.push(ServiceSource::Ref(raw(Some(r))));
        } else if let Some(u) = service.get("useFromStage") {
            services.push(ServiceSource::FromStage(from_stage(u)));
        }
    }
    if let Some(values) = spec.get("services").and_then(|s| s.get("values")).and_then(Node::as_seq)
    {
        for v in values {
            services.push(ServiceSource::Ref(raw(v.get("serviceRef"))));
        }
    }
    let infrastructures = |env: &Node| -> Vec<Raw> {
        match env.get("infrastructureDefinitions") {
            Some(list) => match list.as_seq() {
                Some(items) => items.iter().map(|i| raw(i.get("identifier"))).collect(),
                None => vec![raw(Some(list))],
            },
            None if env.get("deployToAll").and_then(Node::as_bool) == Some(true) => vec![None],
            None => Vec::new(),
        }
    };
    let mut places = Vec::new();
    if let Some(env) = spec.get("environment") {
        places.push(match env.get("useFromStage") {
            Some(u) => PlaceSource::FromStage { stage: from_stage(u), own: infrastructures(env) },
            None => PlaceSource::Environment {
                environment: raw(env.get("environmentRef")),
                infrastructures: infrastructures(env),
                gitops: env.get("gitOpsClusters").is_some(),
            },
        });
    }
    let groups = [
        spec.get("environmentGroup").and_then(|g| g.get("environments")),
        spec.get("environments").and_then(|g| g.get("values")),
    ];
    for envs in groups.into_iter().flatten().filter_map(Node::as_seq) {
        for env in envs {
            places.push(PlaceSource::Environment {
                environment: raw(env.get("environmentRef")),
                infrastructures: infrastructures(env),
                gitops: false,
            });
        }
    }
    if let Some(infra) = spec.get("infrastructure") {
        if let Some(u) = infra.get("useFromStage") {
            places.push(PlaceSource::FromStage { stage: from_stage(u), own: Vec::new() });
        } else if infra.get("environmentRef").is_some()
            || infra.get("infrastructureDefinition").is_some()
        {
            // Version 1: the infrastructure is written inline.
            let definition = infra.get("infrastructureDefinition");
            let ds = definition.and_then(|d| d.get("spec"));
            places.push(PlaceSource::Inline {
                environment: raw(infra.get("environmentRef")),
                parts: [
                    raw(definition.and_then(|d| d.get("type"))),
                    raw(ds.and_then(|s| s.get("connectorRef"))),
                    raw(ds.and_then(|s| s.get("namespace"))),
                ],
            });
        }
    }
    Deployment {
        span: key_span(spec, "environment")
            .or_else(|| key_span(spec, "environmentGroup"))
            .or_else(|| key_span(spec, "infrastructure"))
            .or_else(|| key_span(spec, "service"))
            .unwrap_or(spec.span),
        simultaneous: spec
            .get("infrastructure")
            .and_then(|i| i.get("allowSimultaneousDeployments"))
            .and_then(Node::as_bool)
            .unwrap_or(false),
        gitops: spec.get("environment").is_some_and(|e| e.get("gitOpsClusters").is_some()),
        services,
        places,
    }
}

/// A part of a key that is not known before the run: missing, a runtime input, or the value of
/// a loop that could not be expanded.
pub(super) fn unknown(part: &str) -> bool {
    part.is_empty()
        || ["<+input>", "<+matrix.", "<+stage.matrix.", "<+repeat.", "<+strategy."]
            .iter()
            .any(|e| part.contains(e))
}

pub(super) fn or_none(part: &str) -> &str {
    if part.is_empty() { "none given" } else { part }
}

impl Lowering {
    /// The lock demands of a Deployment stage instance. The first instance records what the
    /// stage deploys, for the stages that `useFromStage` it.
    pub(super) fn deployment_lock(
        &mut self,
        stage_id: &str,
        deployment: &Deployment,
        scope: &Scope,
    ) -> Vec<Demand> {
        let targets = self.targets(deployment, scope);
        if scope.first {
            self.deploy_targets.entry(stage_id.to_string()).or_insert_with(|| targets.clone());
        }
        let span = deployment.span;
        if deployment.simultaneous {
            return Vec::new();
        }
        if targets.places.is_empty() && deployment.gitops {
            self.approximate(approximated::Harness::Gitops, span, scope);
            return Vec::new();
        }
        if targets.services.is_empty() || targets.places.is_empty() {
            let missing = if targets.services.is_empty() {
                "service"
            } else {
                "environment and infrastructure"
            };
            self.report(Diagnostic::new(
                &RUNTIME_VALUE,
                span,
                format!("the stage `{stage_id}` names no {missing} this file shows, so the key of its deployment lock is unknown: it is assumed to share it with no other stage"),
            ), scope);
            return Vec::new();
        }
        let mut demands = Vec::new();
        let mut unknown_reported = false;
        let mut expression_reported = false;
        for service in &targets.services {
            for (env, infra) in &targets.places {
                if unknown(service) || unknown(env) || unknown(infra) {
                    if !unknown_reported {
                        unknown_reported = true;
                        let when = if [service, env, infra].iter().any(|p| p.is_empty()) {
                            "is not fully named in this file"
                        } else {
                            "is known only when the pipeline runs"
                        };
                        self.report(Diagnostic::new(
                            &RUNTIME_VALUE,
                            span,
                            format!(
                                "the deployment lock of `{stage_id}` (service `{}`, environment `{}`, infrastructure `{}`) {when}: it is assumed to share it with no other stage",
                                or_none(service), or_none(env), or_none(infra)
                            ),
                        ).with_help("stages deploying the same service to the same environment and infrastructure never overlap"), scope);
                    }
                    continue;
                }
                let name = format!("{service} on {env}/{infra}");
                if name.contains("<+") && !expression_reported {
                    expression_reported = true;
                    self.report(Diagnostic::new(
                        &RUNTIME_VALUE,
                        span,
                        format!("the deployment lock of `{stage_id}` is `{name}`, with expressions known only at run time: stages whose keys are written alike are assumed to share it"),
                    ), scope);
                }
                let resource = self.lock(&name, &name, ResourceKind::Infrastructure, span);
                if !demands.iter().any(|d: &Demand| d.resource == Some(resource)) {
                    demands.push(Demand { resource: Some(resource), name, amount: 1, span });
                }
            }
        }
        if demands.len() > 1 {
            self.approximate(approximated::Harness::SeveralLocks, span, scope);
        }
        demands
    }

    fn targets(&self, deployment: &Deployment, scope: &Scope) -> Targets {
        let text = |raw: &Raw| raw.as_deref().map(|s| scope.substitute(s)).unwrap_or_default();
        let from_stage = |stage: &Raw| {
            stage.as_deref().and_then(|s| self.deploy_targets.get(s)).cloned().unwrap_or_default()
        };
        let mut targets = Targets::default();
        for service in &deployment.services {
            match service {
                ServiceSource::Ref(r) => targets.services.push(text(r)),
                ServiceSource::FromStage(stage) => {
                    targets.services.extend(from_stage(stage).services)
                }
            }
        }
        for place in &deployment.places {
            match place {
                PlaceSource::FromStage { stage, own } => {
                    let inherited = from_stage(stage).places;
                    if own.is_empty() {
                        targets.places.extend(inherited);
                    } else {
                        for (e, _) in inherited.iter().take(1) {
                            targets.places.extend(own.iter().map(|i| (e.clone(), text(i))));
                        }
                    }
                }
                PlaceSource::Environment { environment, infrastructures, gitops } => {
                    if infrastructures.is_empty() && *gitops {
                        // GitOps: no infrastructure definition, see `deployment_lock`.
                        continue;
                    }
                    let e = text(environment);
                    if infrastructures.is_empty() {
                        targets.places.push((e, String::new()));
                    } else {
                        targets.places.extend(infrastructures.iter().map(|i| (e.clone(), text(i))));
                    }
                }
                PlaceSource::Inline { environment, parts } => {
                    let parts: Vec<String> =
                        parts.iter().map(text).filter(|p| !p.is_empty()).collect();
                    let i = if parts.iter().any(|p| unknown(p)) {
                        String::new()
                    } else {
                        parts.join(":")
                    };
                    targets.places.push((text(environment), i));
                }
            }
        }
        targets
    }
}
