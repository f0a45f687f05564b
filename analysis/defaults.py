"""What the analyses assume of the bundled model, in one place.

The input IDs that protocols drive, the readouts a study reports and the experiment it asks
about when not told otherwise. A model folder of your own (``--model DIR``) must hold these
input IDs for the protocol library to drive it; the other defaults can be overridden on every
call. Plain data: the command line imports it before anything heavy loads.
"""

from __future__ import annotations

__all__ = [
    "CAPACITY",
    "CHANGE_THRESHOLD",
    "CJC1295_DOSE",
    "DEFAULT_PROTOCOL",
    "DEFAULT_READOUT",
    "DEFAULT_READOUTS",
    "DEFAULT_STATISTIC",
    "ESTRADIOL",
    "ESTRADIOL_TRANSDERMAL",
    "FASTING",
    "GRAPH_TARGETS",
    "HEAT",
    "HEXARELIN_DOSE",
    "INFUSION",
    "IPAMORELIN_DOSE",
    "KETONE",
    "LOAD",
    "MK677_DOSE",
    "PLOT_READOUTS",
    "SERMORELIN_DOSE",
    "STRESS",
    "SUPRAMAXIMAL",
    "TESTOSTERONE",
    "WORK_RATE",
]

# --- the inputs that protocols set (species of kind `input` in species.tsv) -------------------
WORK_RATE = "muscle__work_rate"
#: The part of the work rate above VO2max (``max(0, work rate - 1)``), which only anaerobic
#: glycolysis can supply; the simulator derives it from the subject's relative work rate.
SUPRAMAXIMAL = "muscle__supramaximal_rate"
LOAD = "muscle__mechanical_load"
INFUSION = "plasma__lactate_infusion"
FASTING = "liver__fasting"
KETONE = "gut__ketone_ester"
HEAT = "body__core_temp_rise"
STRESS = "brain__stress"
TESTOSTERONE = "plasma__testosterone_dose"
ESTRADIOL = "plasma__estradiol_dose"  # oral
ESTRADIOL_TRANSDERMAL = "plasma__estradiol_transdermal_dose"
MK677_DOSE = "gut__MK677_dose"
IPAMORELIN_DOSE = "plasma__ipamorelin_dose"
HEXARELIN_DOSE = "plasma__hexarelin_dose"
SERMORELIN_DOSE = "plasma__sermorelin_dose"
CJC1295_DOSE = "plasma__CJC1295_dose"

#: The subject's aerobic capacity (VO2max, 1 = the reference subject's): an ``intensity`` given
#: with ``absolute: true`` is divided by it at the start of each stretch of the protocol.
CAPACITY = "body__VO2max"

# --- the question a study asks unless told otherwise ---------------------------------------
#: 60 min of aerobic exercise at 70% VO2max: the bout most exercise-BDNF studies use.
DEFAULT_PROTOCOL = "aerobic(duration_min=60,intensity=0.7)"
#: The readout of sensitivity analyses: hippocampal Bdnf mRNA, the axis' transcriptional output.
DEFAULT_READOUT = "brain__BDNF_mRNA"
DEFAULT_STATISTIC = "max"
#: Readouts a knock-out scan reports: BDNF transcription, protein, receptor and the serum assay.
DEFAULT_READOUTS = ("brain__BDNF_mRNA", "brain__mBDNF", "brain__pTrkB", "serum__BDNF")
#: Relative change that counts as a change (knock-out calls, findings without a threshold).
CHANGE_THRESHOLD = 0.05
#: What ``mbaxis simulate --plot`` draws unless given readouts.
PLOT_READOUTS = ("plasma__lactate", "serum__BDNF", "plasma__proBDNF", "brain__BDNF_mRNA")
#: The targets whose paths from every input ``mbaxis graph`` lists.
GRAPH_TARGETS = ("brain__BDNF_mRNA", "brain__pTrkB")
