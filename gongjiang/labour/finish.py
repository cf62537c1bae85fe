"""How a labour competition finishes (see ``competitions.services.transition``): its committee publishes
the final standing over the closed rounds, in the transaction that moves the competition to final."""

from gongjiang.competitions.enums import Kind

from .services import write_final_standing

FINISHERS = [(Kind.LABOUR, write_final_standing)]
