from django import template

from core.cep import format_cep
from core.cpf import format_cnpj, format_cpf

register = template.Library()

register.filter("cpf", format_cpf)
register.filter("cep", format_cep)
register.filter("cnpj", format_cnpj)
