# Release gate by environment.
#
# In `prod` (cordon run --env prod) critical and high findings block; in any
# other environment only critical ones do. Medium findings notify everywhere.
# Low and info findings are recorded.
package main

import rego.v1

policy_name := "prod-gate"

policy_version := "1.0.0"

prod if input.context.environment == "prod"

# A deny/warn entry: which finding, why, and what about it matched.
entry(f, why) := {
	"fingerprint": f.fingerprint,
	"msg": sprintf("%s %s finding %s (%s) %s", [f.severity, f.kind, f.rule_id, f.tool, why]),
	"matched": {"severity": f.severity},
}

deny_critical contains e if {
	some f in input.findings
	f.severity == "critical"
	e := entry(f, "blocks every environment")
}

deny_high contains e if {
	prod
	some f in input.findings
	f.severity == "high"
	e := entry(f, "blocks prod")
}

warn_medium contains e if {
	some f in input.findings
	f.severity == "medium"
	e := entry(f, "needs a look before release")
}
