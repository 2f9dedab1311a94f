-- Every Routine Load job of the target database ({{database}}), stopped and cancelled ones too.
SHOW ALL ROUTINE LOAD FROM {{database}}
