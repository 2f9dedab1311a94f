-- pg2sr cleanup --stop-jobs: stops one of the run's jobs ({{job}}, a name pg2sr generated).
STOP ROUTINE LOAD FOR {{database}}.{{job}}
