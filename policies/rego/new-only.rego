# Gate on new findings only.
#
# With a baseline (cordon run --baseline), findings the baseline has already
# are `existing`; every other finding, and every finding of a run without a
# baseline, is new. New critical and high findings block; existing ones only
# notify, so that old debt does not fail every build while it is paid down.
package main

import rego.v1

policy_name := "new-only"

policy_version := "1.0.0"

high_or_worse := {"critical", "high"}

deny_new contains {
	"fingerprint": f.fingerprint,
	"msg": sprintf("new %s finding %s: %s", [f.severity, f.rule_id, f.title]),
	"matched": {"severity": f.severity, "baseline": f.baseline},
} if {
	some f in input.findings
	f.severity in high_or_worse
	f.baseline != "existing"
}

warn_existing contains {
	"fingerprint": f.fingerprint,
	"msg": sprintf("%s finding %s is in the baseline: %s", [f.severity, f.rule_id, f.title]),
	"matched": {"severity": f.severity, "baseline": f.baseline},
} if {
	some f in input.findings
	f.severity in high_or_worse
	f.baseline == "existing"
}
